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
 * (lock timeout).
 */
public class StoreException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final boolean retryable;

    /** Creates an exception for a database failure. */
    public StoreException(String message, String sqlState, boolean retryable, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.retryable = retryable;
    }

    /** Whether making the same call again may succeed. */
    public boolean isRetryable() {
        return retryable;
    }

    /**
     * Whether the failure was the loss of the connection or of the database backend (SQLSTATE class
     * 08, 57P01, 57P02, H2's 90067, or an I/O failure with no SQLSTATE). If that happened while a
     * transaction was committing, its outcome is unknown: it may be stored. A retry of a push is
     * still safe, since ops already stored come back as duplicates.
     */
    public boolean isConnectionLost() {
        if (!retryable) {
            return false;
        }
        return sqlState == null || sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("90067");
    }

    /** The SQLSTATE reported by the driver, or null. */
    public String sqlState() {
        return sqlState;
    }

    /** Wraps a JDBI or JDBC failure that happened while {@code doing} something. */
    static StoreException wrap(String doing, Throwable e) {
        SQLException sql = findSqlException(e);
        String state = sql == null ? null : sql.getSQLState();
        String detail = sql != null ? sql.getMessage() : e.getMessage();
        return new StoreException("database failure while " + doing + (state == null ? "" : " (SQLSTATE " + state + ")")
                + ": " + firstLine(detail), state, isRetryable(state, e), e);
    }

    static SQLException findSqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    static boolean isRetryable(String state, Throwable e) {
        if (state == null) {
            return e instanceof JdbiException && findSqlException(e) == null && e.getCause() instanceof java.io.IOException;
        }
        return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                || state.equals("55P03") || state.equals("57014")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("90067") || state.equals("HYT00");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
