package dev.syncmat.core.protocol;

/**
 * A pull: the objects in {@code scope} changed after {@code sinceCursor}, at most {@code limit}.
 *
 * @param sinceCursor  the cursor of the previous page or pull, or null for a full initial sync
 * @param scope        which objects; never null ({@link Scope#all()} for all)
 * @param limit        page size, or null for the store's default
 * @param includeHeads whether each object with several heads carries its non-winning heads
 *                     ({@link CompetingHead}), as CouchDB's {@code ?conflicts=true} does
 */
public record PullRequest(String sinceCursor, Scope scope, Integer limit, boolean includeHeads) {
    /** Replaces a null scope with {@link Scope#all()}. */
    public PullRequest {
        scope = scope == null ? Scope.all() : scope;
    }

    /** A pull without the competing heads. */
    public PullRequest(String sinceCursor, Scope scope, Integer limit) {
        this(sinceCursor, scope, limit, false);
    }

    /** A full initial sync of everything, default page size. */
    public static PullRequest initial() {
        return new PullRequest(null, Scope.all(), null, false);
    }

    /** Everything changed after {@code cursor}, default page size. */
    public static PullRequest since(String cursor) {
        return new PullRequest(cursor, Scope.all(), null, false);
    }

    /** This request with another scope. */
    public PullRequest withScope(Scope value) {
        return new PullRequest(sinceCursor, value, limit, includeHeads);
    }

    /** This request with another page size. */
    public PullRequest withLimit(int value) {
        return new PullRequest(sinceCursor, scope, value, includeHeads);
    }

    /** This request continuing after {@code cursor}. */
    public PullRequest withCursor(String cursor) {
        return new PullRequest(cursor, scope, limit, includeHeads);
    }

    /** This request asking (or not) for the competing heads of objects with several. */
    public PullRequest withIncludeHeads(boolean value) {
        return new PullRequest(sinceCursor, scope, limit, value);
    }
}
