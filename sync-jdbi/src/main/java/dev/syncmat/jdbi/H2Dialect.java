package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.util.List;

/**
 * H2 2.x, in the same process: rows are written as JDBC batches of the row-wise statements; a push
 * looks its op ids up first; DDL commits statement by statement, so the migrations are idempotent
 * and a JVM-wide lock serializes migrators.
 */
final class H2Dialect extends Dialect {
    static final H2Dialect INSTANCE = new H2Dialect();

    private static final Object MIGRATION_LOCK = new Object();

    private H2Dialect() {
    }

    @Override
    SqlDialect kind() {
        return SqlDialect.H2;
    }

    @Override
    List<String> sqlFolders() {
        return List.of("h2");
    }

    @Override
    String migrationFolder() {
        return "h2";
    }

    /**
     * H2's repeatable read snapshots a table only when a statement first reads it, so a snapshot
     * of every table takes serializable (read-only transactions never fail with it).
     */
    @Override
    TransactionIsolationLevel snapshotIsolation() {
        return TransactionIsolationLevel.SERIALIZABLE;
    }

    @Override
    boolean optimisticPush() {
        return false;
    }

    @Override
    <T> T migrating(Handle h, String schema, HandleCallback<T, RuntimeException> work) {
        synchronized (MIGRATION_LOCK) {
            if (schema == null) {
                return work.withHandle(h);
            }
            String previous = h.createQuery("SELECT CURRENT_SCHEMA").mapTo(String.class).one();
            Sql.execute(h, "CREATE SCHEMA IF NOT EXISTS " + schema);
            Sql.execute(h, "SET SCHEMA " + schema);
            try {
                return work.withHandle(h);
            } finally {
                Sql.execute(h, "SET SCHEMA \"" + previous.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** H2's limits are settings of the session: the action puts the previous ones back. */
    @Override
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis) {
        long[] previous = h.createQuery("SELECT LOCK_TIMEOUT(), (SELECT CAST(SETTING_VALUE AS BIGINT) "
                        + "FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT')")
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one();
        Sql.execute(h, "SET LOCK_TIMEOUT " + lockWaitMillis);
        Sql.execute(h, "SET QUERY_TIMEOUT " + statementMillis);
        return () -> {
            Sql.execute(h, "SET LOCK_TIMEOUT " + previous[0]);
            Sql.execute(h, "SET QUERY_TIMEOUT " + previous[1]);
        };
    }

    @Override
    boolean limitsOutliveTransaction() {
        return true;
    }

    /** After the commit, the stores of this JVM on the same database are told ({@link LocalFeed}). */
    @Override
    void announce(Handle h, Sql sql, String tenant) {
        String key = LocalFeed.key(h, sql);
        h.afterCommit(() -> LocalFeed.committed(key, tenant));
    }

    @Override
    ChangeFeed changeFeed(org.jdbi.v3.core.Jdbi jdbi, Handle h, Sql sql) {
        return new LocalFeed(LocalFeed.key(h, sql));
    }

    /** As PostgreSQL's, and H2's 90067 (connection broken) and HYT00 (lock timeout). */
    @Override
    boolean isRetryable(String sqlState) {
        return super.isRetryable(sqlState) || "90067".equals(sqlState) || "HYT00".equals(sqlState);
    }

    @Override
    boolean isConnectionLost(String sqlState) {
        return super.isConnectionLost(sqlState) || "90067".equals(sqlState);
    }

    @Override
    String lockTimeoutSqlState() {
        return "HYT00";
    }

    @Override
    boolean isLockTimeout(String sqlState, String message) {
        return "HYT00".equals(sqlState);
    }

    /** 42S02/42S04 and 42102..42104 (table or view not found), 90079 (schema not found). */
    @Override
    boolean isMissingTable(String sqlState) {
        return "42S02".equals(sqlState) || "42S04".equals(sqlState) || "42102".equals(sqlState)
                || "42103".equals(sqlState) || "42104".equals(sqlState) || "90079".equals(sqlState);
    }
}
