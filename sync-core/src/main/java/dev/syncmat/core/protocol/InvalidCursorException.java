package dev.syncmat.core.protocol;

import dev.syncmat.core.InvalidInputException;

/**
 * A pull cursor the store refuses: not one it issued ({@code invalid_cursor}), one issued to
 * another tenant ({@code invalid_cursor}), or one the store's history can no longer serve
 * ({@code cursor_expired}: issued by another database, by this one before a restore to an earlier
 * point, or below the tenant's retention horizon). A client that gets {@code cursor_expired}
 * drops what it holds for that scope and pulls again from a null cursor; {@code invalid_cursor}
 * is a bug in the client.
 */
public final class InvalidCursorException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Why the cursor was refused. */
    public enum Problem {
        /** Not a cursor this library issued (or corrupted in transit). */
        MALFORMED,
        /** Issued for another tenant. */
        OTHER_TENANT,
        /**
         * Issued in a history the store no longer has: another database, this one before a restore
         * to an earlier point, or below the retention horizon. The client resyncs from null.
         */
        EXPIRED
    }

    private final Problem problem;

    /** Creates the exception; the field is always {@code sinceCursor}. */
    public InvalidCursorException(Problem problem, String reason) {
        super("sinceCursor", reason);
        this.problem = problem;
    }

    /** Why the cursor was refused. */
    public Problem problem() {
        return problem;
    }

    /** {@code cursor_expired} for {@link Problem#EXPIRED}, else {@code invalid_cursor}. */
    @Override
    public String code() {
        return problem == Problem.EXPIRED ? "cursor_expired" : "invalid_cursor";
    }
}
