package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.MaterializedObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a pull.
 *
 * @param objects      objects in the scope changed after the request's cursor, in change order,
 *                     tombstones included
 * @param removed      ids of objects changed after the cursor that left the scope (never an id
 *                     that {@code objects} holds too); empty for an unscoped pull
 * @param otherHeads   when the pull asked for them, the non-winning heads of each object of
 *                     {@code objects} by object id (empty lists for objects with one head); else empty
 * @param serverCursor the cursor to send as {@code sinceCursor} next time
 * @param hasMore      whether more changes are waiting right now; pull again at once if so
 */
public record PullResponse(List<MaterializedObject> objects, List<String> removed,
                           Map<String, List<CompetingHead>> otherHeads, String serverCursor, boolean hasMore) {
    /** Copies the collections. */
    public PullResponse {
        objects = List.copyOf(objects);
        removed = List.copyOf(removed);
        Map<String, List<CompetingHead>> heads = new LinkedHashMap<>();
        otherHeads.forEach((id, list) -> heads.put(id, List.copyOf(list)));
        otherHeads = java.util.Collections.unmodifiableMap(heads);
    }

    /** A page with objects only. */
    public PullResponse(List<MaterializedObject> objects, String serverCursor, boolean hasMore) {
        this(objects, List.of(), Map.of(), serverCursor, hasMore);
    }

    /** A sink that collects one page; {@link Collector#response()} after {@link PullSink#end}. Not thread-safe. */
    public static Collector collector() {
        return new Collector();
    }

    /** Collects the page a store streams into a {@link PullResponse}. Not thread-safe. */
    public static final class Collector implements PullSink {
        private final List<MaterializedObject> objects = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final Map<String, List<CompetingHead>> heads = new LinkedHashMap<>();
        private PullResponse response;

        private Collector() {
        }

        @Override
        public void object(MaterializedObject object, List<CompetingHead> otherHeads) {
            objects.add(object);
            if (otherHeads != null) {
                heads.put(object.objectId(), otherHeads);
            }
        }

        @Override
        public void removed(String objectId) {
            removed.add(objectId);
        }

        @Override
        public void end(String serverCursor, boolean hasMore) {
            response = new PullResponse(objects, removed, heads, serverCursor, hasMore);
        }

        /**
         * The collected page.
         *
         * @throws IllegalStateException if the page has not ended
         */
        public PullResponse response() {
            if (response == null) {
                throw new IllegalStateException("the page has not ended");
            }
            return response;
        }
    }
}
