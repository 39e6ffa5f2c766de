package dev.syncmat.jdbi;

import dev.syncmat.core.SyncException;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;

/**
 * The database failed: connection lost, backend terminated, serialization failure, out of
 * resources. Whatever the store was doing was rolled back as a whole, with one exception: when the
 * connection is lost while the commit is under way, the outcome is unknown (PostgreSQL reports a
 * backend terminated right after committing as a failed commit), and the work may be stored.
 *
 * <p>{@link #isRetryable()} is true when the same call can simply be made again (pushes are
 * idempotent by op id, so retrying a push whose commit outcome is unknown is safe). The SQLSTATE
 * classes treated as retryable are 08 (connection), 40 (transaction rollback, deadlock,
 * serialization), 53 (insufficient resources), 55P03 (lock not available, e.g. a push that gave up
 * waiting for its tenant during a rebuild), 57014 (statement timeout or cancel),
 * 57P01..57P03 (administrator shutdown, crash) and H2's 90067 (connection broken) and HYT00
 * (lock timeout). Which codes mean what is up to the database's dialect.
 */
public class StoreException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final boolean retryable;
    private final boolean connectionLost;
    private final boolean lockTimeout;

    /** Creates an exception for a database failure that is neither a lost connection nor a lock timeout. */
    public StoreException(String message, String sqlState, boolean retryable, Throwable cause) {
        this(message, sqlState, retryable, false, false, cause);
    }

    private StoreException(String message, String sqlState, boolean retryable, boolean connectionLost,
                           boolean lockTimeout, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.retryable = retryable;
        this.connectionLost = connectionLost;
        this.lockTimeout = lockTimeout;
    }

    /**
     * A push that waited in the store's group-commit queue for its tenant longer than the lock-wait
     * timeout (the pushes before it held the tenant that long): retryable, a lock timeout, with the
     * SQLSTATE the dialect's database gives a lock wait that gave up.
     */
    static StoreException queueTimeout(String doing, long waitedMillis, long limitMillis, Dialect dialect) {
        String state = dialect.lockTimeoutSqlState();
        return new StoreException("database failure while " + doing + " (SQLSTATE " + state + "): gave up waiting for the "
                + "tenant's lock; waited " + waitedMillis + " ms behind other pushes of the tenant (lock-wait timeout "
                + limitMillis + " ms)", state, true, false, true, null);
    }

    /** Whether making the same call again may succeed. */
    @Override
    public boolean isRetryable() {
        return retryable;
    }

    /** {@code store_unavailable}: the code of database failures in HTTP error bodies. */
    @Override
    public String code() {
        return "store_unavailable";
    }

    /**
     * {@code the database is unavailable, retry later} when retryable, else {@code database failure}:
     * the message names the database's own error, which belongs in the server's log only.
     */
    @Override
    public String clientMessage() {
        return retryable ? "the database is unavailable, retry later" : "database failure";
    }

    /**
     * Whether the failure was the loss of the connection or of the database backend (SQLSTATE class
     * 08, 57P01, 57P02, H2's 90067, or an I/O failure with no SQLSTATE). If that happened while a
     * transaction was committing, its outcome is unknown: it may be stored. A retry of a push is
     * still safe, since ops already stored come back as duplicates.
     */
    public boolean isConnectionLost() {
        return connectionLost;
    }

    /**
     * Whether the call gave up waiting for the tenant's counter row (held by another push or a
     * rebuild for longer than the store's lock-wait timeout). Retryable.
     */
    public boolean isLockTimeout() {
        return lockTimeout;
    }

    /** The SQLSTATE reported by the driver, or null. */
    public String sqlState() {
        return sqlState;
    }

    /**
     * Wraps a JDBI or JDBC failure that happened while {@code doing} something, classified by
     * {@code dialect} (the failure to reach a database at all is classified as PostgreSQL's).
     */
    static StoreException wrap(String doing, Throwable e, Dialect dialect) {
        SQLException sql = findSqlException(e);
        String state = sql == null ? null : sql.getSQLState();
        String detail = sql != null ? sql.getMessage() : e.getMessage();
        boolean retryable = state == null ? isIoFailure(e) : dialect.isRetryable(state);
        boolean lost = retryable && dialect.isConnectionLost(state);
        boolean lockTimeout = dialect.isLockTimeout(state, detail);
        String message = "database failure while " + doing + (state == null ? "" : " (SQLSTATE " + state + ")") + ": "
                + (lockTimeout ? "gave up waiting for the tenant's lock; " : "") + firstLine(detail) + rootCause(e, detail);
        return new StoreException(message, state, retryable, lost, lockTimeout, e);
    }

    static SQLException findSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    // A JDBI failure with no SQLException behind it but an I/O one: the connection broke.
    private static boolean isIoFailure(Throwable e) {
        return e instanceof JdbiException && e.getCause() instanceof java.io.IOException;
    }

    // The innermost cause, when it says something the message does not (a pool's timeout hides "connection refused").
    private static String rootCause(Throwable e, String detail) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (root == e || m == null || detail != null && detail.contains(firstLine(m))) {
            return "";
        }
        return "; caused by " + root.getClass().getSimpleName() + ": " + firstLine(m);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
