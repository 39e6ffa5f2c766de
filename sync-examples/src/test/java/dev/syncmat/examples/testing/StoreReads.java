package dev.syncmat.examples.testing;

import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.jdbi.SyncStore;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the examples' tests read back from a store, and what they expect of it. */
public final class StoreReads {
    private StoreReads() {
    }

    /** Every object of the tenant, paging through a pull from the start; fails if a page repeats an object. */
    public static Map<String, MaterializedObject> pullAll(SyncStore store, String tenant, int pageSize) {
        Map<String, MaterializedObject> objects = new HashMap<>();
        PullRequest request = PullRequest.initial().withLimit(pageSize);
        while (true) {
            PullResponse page = store.pull(tenant, request);
            page.objects().forEach(o -> assertThat(objects.put(o.objectId(), o)).as("%s twice", o.objectId()).isNull());
            if (!page.hasMore()) {
                return objects;
            }
            request = request.withCursor(page.serverCursor());
        }
    }

    /** The model's objects in the form a pull returns them, by object id. */
    public static Map<String, MaterializedObject> materialized(Materializer model) {
        Map<String, MaterializedObject> objects = new HashMap<>();
        for (ObjectState s : model.objects()) {
            objects.put(s.objectId(), MaterializedObject.of(s));
        }
        return objects;
    }
}
