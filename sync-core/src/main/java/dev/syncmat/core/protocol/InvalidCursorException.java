package dev.syncmat.core.protocol;

import dev.syncmat.core.InvalidInputException;

/**
 * A pull cursor the store refuses: not one it issued, one issued to another tenant, or one ahead
 * of the tenant's head (the database was restored from an older backup, for example). A client
 * that gets one should do a full sync with a null cursor.
 */
public final class InvalidCursorException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Why the cursor was refused. */
    public enum Problem {
        /** Not a cursor this library issued (or corrupted in transit). */
        MALFORMED,
        /** Issued for another tenant. */
        OTHER_TENANT,
        /** Points past the tenant's latest change. */
        AHEAD_OF_HEAD
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

    @Override
    public String code() {
        return "invalid_cursor";
    }
}
