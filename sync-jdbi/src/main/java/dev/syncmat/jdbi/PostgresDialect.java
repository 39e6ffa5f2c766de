package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL: rows are written with one statement per table over column arrays; a push writes
 * optimistically behind a savepoint; migrations run in one transaction under an advisory lock
 * (DDL is transactional there); wait limits are transaction-local settings.
 */
class PostgresDialect extends Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    private static final long LOCK_KEY = 0x73796e636d6174L; // "syncmat"

    PostgresDialect() {
    }

    @Override
    SqlDialect kind() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    List<String> sqlFolders() {
        return List.of("postgresql");
    }

    @Override
    String migrationFolder() {
        return "postgresql";
    }

    /** Repeatable read takes its snapshot at the first statement and keeps it for every table. */
    @Override
    TransactionIsolationLevel snapshotIsolation() {
        return TransactionIsolationLevel.REPEATABLE_READ;
    }

    /**
     * One statement that unnests one array per column ({@code arrays/} beside the row-wise
     * statement of the same name): a single plan for the whole batch, much cheaper per row than a
     * JDBC batch of single-row statements. A batch of one object row is written row-wise.
     */
    @Override
    void write(RowBatch batch, Handle h, Sql sql, String tenant) {
        if (batch.size() == 1 && batch.statement().startsWith("objects_")) {
            // One object row (the usual push): plain parameters, so that a long other_heads is
            // neither escaped into an array literal here nor parsed out of one by the server.
            writeRowWise(batch, h, sql, tenant);
            return;
        }
        Update u = sql.update(h, "arrays/" + batch.statement()).bind("tenant", tenant);
        bindArrays(u, batch);
        u.execute();
    }

    /**
     * Both in one statement ({@code arrays/journal_insert_with_conflicts}, a data-modifying
     * {@code WITH}): a push that merges an op beside other heads writes a conflict record with it,
     * and this saves that round trip. The two statements' parameters have distinct names.
     */
    @Override
    boolean writeJournalWithConflicts(RowBatch journal, RowBatch conflicts, Handle h, Sql sql, String tenant) {
        String text = sql.compose("arrays/journal_insert_with_conflicts", Map.of(
                "journal", List.of("arrays/" + journal.statement()), "conflicts", List.of("arrays/" + conflicts.statement())));
        Update u = sql.updateText(h, text).bind("tenant", tenant);
        bindArrays(u, journal);
        bindArrays(u, conflicts);
        u.execute();
        return true;
    }

    // One array parameter per column of batch, named as the column.
    private static void bindArrays(Update u, RowBatch batch) {
        RowBatch.Column[] columns = batch.columns();
        for (int c = 0; c < columns.length; c++) {
            List<Object> values = new ArrayList<>(batch.size());
            for (Object[] row : batch.rows()) {
                Object v = row[c];
                values.add(columns[c].type() == RowBatch.Type.TIMESTAMP && v != null ? v.toString() : v);
            }
            u.bindArray(columns[c].name(), columns[c].type().arrayElement, values);
        }
    }

    @Override
    boolean optimisticPush() {
        return true;
    }

    @Override
    <T> T migrating(Handle h, String schema, HandleCallback<T, RuntimeException> work) {
        return h.inTransaction(tx -> {
            tx.createQuery("SELECT pg_advisory_xact_lock(:key)").configure(SqlStatements.class, Sql::plain)
                    .bind("key", LOCK_KEY ^ (schema == null ? 0 : schema.hashCode())).map((rs, ctx) -> 1).one();
            if (schema != null) {
                Sql.execute(tx, "CREATE SCHEMA IF NOT EXISTS " + schema);
                Sql.execute(tx, "SET LOCAL search_path TO " + schema);
            }
            return work.withHandle(tx);
        });
    }

    /**
     * Transaction-local settings, with the previous values read in the same round trip (the
     * select list is evaluated left to right), so that the action can put them back inside a
     * caller's transaction.
     */
    @Override
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis) {
        return limitWaits(h, lockWaitMillis, statementMillis, false);
    }

    /**
     * For keyed work, also {@code plan_cache_mode = force_generic_plan}: each prepared statement of a
     * push probes or writes by key over arrays of keys, and PostgreSQL, which cannot know how long an
     * array parameter is, would otherwise plan it again at every execution (0.3 to 0.6 ms a read of
     * objects), preferring a plan for the array's actual length that is the generic plan anyway.
     */
    @Override
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis, boolean keyed) {
        // plan_cache_mode is set to what it is unless the work is keyed, so one statement serves both.
        String[] previous = h.createQuery("SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), "
                        + "current_setting('plan_cache_mode'), set_config('lock_timeout', :lock, true), "
                        + "set_config('statement_timeout', :statement, true), "
                        + "set_config('plan_cache_mode', COALESCE(:plans, current_setting('plan_cache_mode')), true)")
                .configure(SqlStatements.class, Sql::plain)
                .bind("lock", lockWaitMillis + "ms").bind("statement", statementMillis + "ms")
                .bind("plans", keyed ? "force_generic_plan" : null)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).one();
        return () -> h.createQuery("SELECT set_config('lock_timeout', :lock, true), "
                        + "set_config('statement_timeout', :statement, true), set_config('plan_cache_mode', :plans, true)")
                .configure(SqlStatements.class, Sql::plain)
                .bind("lock", previous[0]).bind("statement", previous[1]).bind("plans", previous[2])
                .map((rs, ctx) -> 1).one();
    }

    /** {@code pg_notify} inside the push's transaction: PostgreSQL delivers it only if and when it commits. */
    @Override
    void announce(Handle h, Sql sql, String tenant) {
        sql.query(h, "live_notify").bind("channel", PgListener.channel(sql)).bind("tenant", tenant)
                .map((rs, ctx) -> 1).one();
    }

    /**
     * One {@code LISTEN} connection per store ({@link PgListener}). On Citus the notifications go
     * through the coordinator, where both the pushes and the listener are connected.
     */
    @Override
    ChangeFeed changeFeed(org.jdbi.v3.core.Jdbi jdbi, Handle h, Sql sql) {
        return new PgListener(jdbi, PgListener.channel(sql));
    }

    @Override
    boolean isMissingTable(String sqlState) {
        return "42P01".equals(sqlState) || "3F000".equals(sqlState);
    }
}
