package dev.syncmat.core.protocol;

import java.util.List;

/**
 * The result of one push: one {@link OpResult} per op, in the order the ops were given, and the
 * tenant's cursor right after the push committed.
 *
 * <p>{@code serverCursor} marks the tenant's head including this push. It is <em>not</em> a
 * replacement for the client's pull cursor: other clients' changes may lie between the client's
 * last pull and this push, and a client that jumped to this cursor would skip them.
 *
 * @param results      per-op outcomes, in input order
 * @param serverCursor the tenant's head after the push
 */
public record PushResult(List<OpResult> results, String serverCursor) {
    /** Copies the list. */
    public PushResult {
        results = List.copyOf(results);
    }
}
