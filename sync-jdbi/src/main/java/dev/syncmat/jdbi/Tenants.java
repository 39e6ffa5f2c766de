package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.util.Optional;

/** The per-tenant counter row. */
final class Tenants {
    private Tenants() {
    }

    /**
     * Locks the tenant's counter row for the rest of the transaction, creating it on first use.
     *
     * @return the last journal and change sequence numbers handed out
     */
    static long[] lock(Handle h, Sql sql, String tenant) {
        Optional<long[]> row = select(h, sql, "tenant_lock", tenant);
        if (row.isPresent()) {
            return row.get();
        }
        try {
            sql.update(h, "tenant_insert").bind("tenant", tenant).execute();
        } catch (JdbiException e) {
            // H2 only (PostgreSQL's insert ignores conflicts): another transaction created the row first.
            SQLException cause = StoreException.findSqlException(e);
            if (cause == null || !"23505".equals(cause.getSQLState())) {
                throw e;
            }
        }
        return select(h, sql, "tenant_lock", tenant).orElseThrow();
    }

    /** The last journal and change sequence numbers, without locking; zeros for a new tenant. */
    static long[] head(Handle h, Sql sql, String tenant) {
        return select(h, sql, "tenant_head", tenant).orElse(new long[2]);
    }

    static void update(Handle h, Sql sql, String tenant, long journalSeq, long changeSeq) {
        sql.update(h, "tenant_update").bind("tenant", tenant).bind("journalSeq", journalSeq).bind("changeSeq", changeSeq)
                .execute();
    }

    private static Optional<long[]> select(Handle h, Sql sql, String name, String tenant) {
        return sql.query(h, name).bind("tenant", tenant)
                .map((rs, ctx) -> new long[] {rs.getLong("journal_seq"), rs.getLong("change_seq")})
                .findOne();
    }
}
