package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.MaterializedObject;

/**
 * Receives one page of a pull as the store reads it, so that a service can write the page to its
 * client without holding it whole: the objects in change order, then {@link #end} once. A store
 * calls it from the thread that called the pull. {@link SyncProtocol#pullWriter} writes the pull
 * response body this way; {@link PullResponse#collector()} collects a {@link PullResponse}.
 */
public interface PullSink {
    /** The next object of the page, in change order. */
    void object(MaterializedObject object);

    /**
     * The page is complete.
     *
     * @param serverCursor the cursor to send as {@code sinceCursor} next time
     * @param hasMore      whether more changed objects are waiting right now
     */
    void end(String serverCursor, boolean hasMore);
}
