package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.MaterializedObject;

import java.util.ArrayList;
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

    /** A sink that collects one page; {@link Collector#response()} after {@link PullSink#end}. Not thread-safe. */
    public static Collector collector() {
        return new Collector();
    }

    /** Collects the page a store streams into a {@link PullResponse}. Not thread-safe. */
    public static final class Collector implements PullSink {
        private final List<MaterializedObject> objects = new ArrayList<>();
        private PullResponse response;

        private Collector() {
        }

        @Override
        public void object(MaterializedObject object) {
            objects.add(object);
        }

        @Override
        public void end(String serverCursor, boolean hasMore) {
            response = new PullResponse(objects, serverCursor, hasMore);
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
