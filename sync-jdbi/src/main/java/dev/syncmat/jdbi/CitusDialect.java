package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;

import java.sql.SQLException;
import java.util.List;

/**
 * Citus on its coordinator: PostgreSQL's SQL and migrations (which distribute every table by
 * {@code tenant_id}, co-located with {@code sync_tenants}, when the extension is installed). Every
 * statement filters on one tenant, so Citus routes it to the one shard of that tenant: reads use
 * PostgreSQL's statements, and writes go row by row in JDBC batches (PostgreSQL's writes over
 * column arrays are {@code INSERT ... SELECT}s that Citus pulls to the coordinator, and its deletes
 * by {@code ctid} cannot be planned at all). A push looks its op ids up first instead of writing
 * behind a savepoint: a unique-index violation on a shard arrives as SQLSTATE XX000 naming the
 * shard's constraint. Statements only Citus needs go in {@code sql/citus/} (none today).
 */
final class CitusDialect extends PostgresDialect {
    static final CitusDialect INSTANCE = new CitusDialect();

    private CitusDialect() {
    }

    /** Whether the database {@code h} is connected to has the citus extension installed. */
    static boolean installedOn(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM pg_extension WHERE extname = 'citus'")
                .configure(SqlStatements.class, Sql::plain).mapTo(Long.class).one() > 0;
    }

    @Override
    SqlDialect kind() {
        return SqlDialect.CITUS;
    }

    @Override
    List<String> sqlFolders() {
        return List.of("citus", "postgresql");
    }

    /**
     * As PostgreSQL's, but by {@code SET LOCAL} with {@code citus.propagate_set_commands} set to
     * {@code local}: the tenant's row is locked on a worker, and Citus sends a transaction's
     * {@code SET LOCAL} commands to the workers it uses, while {@code set_config} stays on the
     * coordinator (where a lock timeout would never fire, leaving only the statement timeout).
     */
    @Override
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis) {
        String[] previous = h.createQuery("SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), "
                        + "current_setting('citus.propagate_set_commands')")
                .configure(SqlStatements.class, Sql::plain)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).one();
        setLocal(h, "citus.propagate_set_commands", "local");
        setLocal(h, "lock_timeout", lockWaitMillis + "ms");
        setLocal(h, "statement_timeout", statementMillis + "ms");
        return () -> {
            setLocal(h, "lock_timeout", previous[0]);
            setLocal(h, "statement_timeout", previous[1]);
            setLocal(h, "citus.propagate_set_commands", previous[2]);
        };
    }

    /** Keyed work is planned as any other: Citus plans router queries itself. */
    @Override
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis, boolean keyed) {
        return limitWaits(h, lockWaitMillis, statementMillis);
    }

    private static void setLocal(Handle h, String setting, String value) {
        Sql.execute(h, "SET LOCAL " + setting + " = '" + value.replace("'", "''") + "'");
    }

    /**
     * Row by row in one JDBC batch, as on H2: Citus plans an {@code INSERT ... SELECT} over
     * unnested arrays by pulling the rows to the coordinator, while a one-row statement with its
     * tenant is a router query of one task (see docs/schema.md).
     */
    @Override
    void write(RowBatch batch, Handle h, Sql sql, String tenant) {
        writeRowWise(batch, h, sql, tenant);
    }

    /** Separately: Citus plans each {@code INSERT ... SELECT} over arrays on the coordinator. */
    @Override
    boolean writeJournalWithConflicts(RowBatch journal, RowBatch conflicts, Handle h, Sql sql, String tenant) {
        return false;
    }

    @Override
    boolean optimisticPush() {
        return false;
    }

    /** As PostgreSQL's, or a shard's unique constraint ({@code sync_journal_op_uk_102060}) reported as XX000. */
    @Override
    boolean isOpIdCollision(SQLException e) {
        return super.isOpIdCollision(e)
                || "XX000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("sync_journal_op_uk_");
    }

    @Override
    boolean isDuplicateKey(SQLException e) {
        return super.isDuplicateKey(e)
                || "XX000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("duplicate key");
    }
}
