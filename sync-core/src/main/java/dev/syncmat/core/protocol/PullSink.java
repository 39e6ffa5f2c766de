package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.MaterializedObject;

import java.util.List;

/**
 * Receives one page of a pull as the store reads it, so that a service can write the page to its
 * client without holding it whole: its entries in change order ({@link #object} for an object in
 * the scope, {@link #removed} for one that left it), then {@link #end} once. A store calls it from
 * the thread that called the pull. {@link SyncProtocol#pullWriter} writes the pull response body
 * this way; {@link PullResponse#collector()} collects a {@link PullResponse}.
 */
public interface PullSink {
    /**
     * The next object of the page, with its non-winning heads when the pull asked for them (empty
     * for an object with one head), else null.
     */
    void object(MaterializedObject object, List<CompetingHead> otherHeads);

    /**
     * An object that changed after the cursor and is no longer in the pull's scope (its type or
     * tags changed, or it was deleted by an op that names other tags): the client drops its copy.
     * Harmless for an object the client never had.
     */
    void removed(String objectId);

    /**
     * The page is complete.
     *
     * @param serverCursor the cursor to send as {@code sinceCursor} next time
     * @param hasMore      whether more changes are waiting right now
     */
    void end(String serverCursor, boolean hasMore);
}
