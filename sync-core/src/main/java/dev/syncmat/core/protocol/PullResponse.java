package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.MaterializedObject;

import java.util.List;

/**
 * One page of a pull.
 *
 * @param objects      objects changed after the request's cursor, in change order, tombstones included
 * @param serverCursor the cursor to send as {@code sinceCursor} next time
 * @param hasMore      whether more changed objects are waiting right now; pull again at once if so
 */
public record PullResponse(List<MaterializedObject> objects, String serverCursor, boolean hasMore) {
    /** Copies the list. */
    public PullResponse {
        objects = List.copyOf(objects);
    }
}
