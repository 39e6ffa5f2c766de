package dev.syncmat.core.protocol;

import dev.syncmat.core.InvalidInputException;

/**
 * A pull: the objects in {@code scope} changed after {@code sinceCursor}, at most {@code limit}.
 *
 * @param sinceCursor  the cursor of the previous page or pull, or null for a full initial sync
 * @param scope        which objects; never null ({@link Scope#all()} for all)
 * @param limit        page size, or null for the store's default
 * @param includeHeads whether each object with several heads carries its non-winning heads
 *                     ({@link CompetingHead}), as CouchDB's {@code ?conflicts=true} does
 * @param waitMs       a live pull: when nothing in the scope changed after the cursor, how many
 *                     milliseconds to wait for a change before answering with the empty page (the
 *                     store caps it); null or 0 answers at once. Never negative
 */
public record PullRequest(String sinceCursor, Scope scope, Integer limit, boolean includeHeads, Long waitMs) {
    /**
     * Replaces a null scope with {@link Scope#all()}.
     *
     * @throws InvalidInputException naming {@code waitMs} when it is negative
     */
    public PullRequest {
        scope = scope == null ? Scope.all() : scope;
        if (waitMs != null && waitMs < 0) {
            throw new InvalidInputException("waitMs", "waitMs must be >= 0, but was " + waitMs);
        }
    }

    /** A pull that answers at once. */
    public PullRequest(String sinceCursor, Scope scope, Integer limit, boolean includeHeads) {
        this(sinceCursor, scope, limit, includeHeads, null);
    }

    /** A pull without the competing heads that answers at once. */
    public PullRequest(String sinceCursor, Scope scope, Integer limit) {
        this(sinceCursor, scope, limit, false, null);
    }

    /** A full initial sync of everything, default page size. */
    public static PullRequest initial() {
        return new PullRequest(null, Scope.all(), null, false, null);
    }

    /** Everything changed after {@code cursor}, default page size. */
    public static PullRequest since(String cursor) {
        return new PullRequest(cursor, Scope.all(), null, false, null);
    }

    /** This request with another scope. */
    public PullRequest withScope(Scope value) {
        return new PullRequest(sinceCursor, value, limit, includeHeads, waitMs);
    }

    /** This request with another page size. */
    public PullRequest withLimit(int value) {
        return new PullRequest(sinceCursor, scope, value, includeHeads, waitMs);
    }

    /** This request continuing after {@code cursor}. */
    public PullRequest withCursor(String cursor) {
        return new PullRequest(cursor, scope, limit, includeHeads, waitMs);
    }

    /** This request asking (or not) for the competing heads of objects with several. */
    public PullRequest withIncludeHeads(boolean value) {
        return new PullRequest(sinceCursor, scope, limit, value, waitMs);
    }

    /**
     * This request as a live pull that waits up to {@code millis} for a change in its scope (0:
     * answer at once).
     *
     * @throws InvalidInputException naming {@code waitMs} when it is negative
     */
    public PullRequest withWaitMs(long millis) {
        return new PullRequest(sinceCursor, scope, limit, includeHeads, millis);
    }

    /** Whether this pull may wait for a change: {@code waitMs} is above 0. */
    public boolean waits() {
        return waitMs != null && waitMs > 0;
    }
}
