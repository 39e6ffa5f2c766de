package dev.syncmat.jdbi;

/**
 * The databases the store supports, for {@link SyncStoreBuilder#dialect} when detection is not
 * wanted. By default the store asks the database: H2 by its product name; PostgreSQL, and Citus
 * when {@code pg_extension} lists {@code citus} (the pgjdbc driver reports "PostgreSQL" for both).
 */
public enum SqlDialect {
    /** H2 2.x, embedded or in memory: tests, demos and single-process use. */
    H2,
    /** PostgreSQL 13 or newer. */
    POSTGRESQL,
    /**
     * Citus (distributed PostgreSQL) on its coordinator, every table distributed by
     * {@code tenant_id} and co-located, so that every statement of the store is routed to one shard.
     */
    CITUS;

    Dialect implementation() {
        return switch (this) {
            case H2 -> H2Dialect.INSTANCE;
            case POSTGRESQL -> PostgresDialect.INSTANCE;
            case CITUS -> CitusDialect.INSTANCE;
        };
    }
}
