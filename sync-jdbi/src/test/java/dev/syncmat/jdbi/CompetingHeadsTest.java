package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.CompetingHead;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.Scope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code includeHeads}: each object comes with exactly its non-winning heads, paged like objects. */
class CompetingHeadsTest {
    private static final String T = "tenant-c";

    /** one: 1 head; two: 2 heads (an update and a concurrent delete); many: 7 concurrent updates. */
    private static List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        ops.add(update("one-1", "one", "note", VectorClock.of("a", 1), "\"x\""));
        ops.add(update("one-2", "one", "note", VectorClock.of("a", 2), "\"y\""));
        ops.add(update("two-1", "two", "note", VectorClock.of("a", 1), "{\"v\":1}", "work"));
        ops.add(delete("two-2", "two", "note", VectorClock.of("b", 1)));
        for (int i = 0; i < 7; i++) {
            ops.add(update("many-" + i, "many", "task", VectorClock.of("w" + i, 1), "[" + i + "]", "work"));
        }
        return ops;
    }

    /** The model's non-winning heads of every object, in op-id order. */
    private static Map<String, List<CompetingHead>> expected(List<Op> ops) {
        Materializer m = StoreTesting.materialize(ops);
        Map<String, List<CompetingHead>> heads = new HashMap<>();
        for (ObjectState s : m.objects()) {
            List<CompetingHead> others = new ArrayList<>();
            s.heads().stream().filter(h -> !h.opId().equals(s.winnerOpId())).forEach(h -> others.add(CompetingHead.of(h)));
            heads.put(s.objectId(), others);
        }
        return heads;
    }

    @StoreTesting.OnBothDatabases
    void everyObjectCarriesExactlyItsNonWinningHeads(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        List<Op> ops = ops();
        store.push(T, ops);
        Map<String, List<CompetingHead>> want = expected(ops);
        assertThat(want.get("one")).isEmpty();
        assertThat(want.get("two")).hasSize(1);
        assertThat(want.get("many")).hasSize(6);

        for (Scope scope : List.of(Scope.all(), Scope.tags("work"))) {
            Map<String, List<CompetingHead>> got = new HashMap<>();
            String cursor = null;
            while (true) {
                PullResponse page = store.pull(T, new PullRequest(cursor, scope, 1, true));
                page.objects().forEach(o -> got.put(o.objectId(), page.otherHeads().get(o.objectId())));
                assertThat(page.otherHeads().keySet()).as("heads of the page's objects only")
                        .containsExactlyInAnyOrderElementsOf(page.objects().stream().map(o -> o.objectId()).toList());
                if (!page.hasMore()) {
                    break;
                }
                cursor = page.serverCursor();
            }
            Map<String, List<CompetingHead>> expectedInScope = new HashMap<>(want);
            if (!scope.isAll()) {
                // "one" never had the tag; "two" is a tombstone whose delete names no tags.
                expectedInScope.remove("one");
                expectedInScope.remove("two");
            }
            assertThat(got).as("heads in %s", scope).isEqualTo(expectedInScope);
        }
        // Without includeHeads nothing is added.
        assertThat(store.pull(T, PullRequest.initial()).otherHeads()).isEmpty();
        // The delete head of "two" lost to nothing: delete-wins makes it the winner, the update competes.
        assertThat(want.get("two").get(0).opId()).isEqualTo("two-1");
        assertThat(want.get("two").get(0).payload().json()).isEqualTo("{\"v\":1}");
    }

    /**
     * The other heads' payloads count toward a page's byte budget: objects whose stored rows are
     * small but whose heads carry big payloads end a page once what it served passes the budget
     * (the object that passes it still comes), and following the cursors still serves every object
     * once, with its heads, scoped or not.
     */
    @StoreTesting.OnBothDatabases
    void theOtherHeadsPayloadsCountTowardThePagesByteBudget(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        long budget = 40 * 1024;
        SyncStore store = SyncStore.builder(db.jdbi()).maxPageBytes(budget).build();
        store.migrate();
        // Eight objects, each with three concurrent heads of about 10 KiB: 30 KiB served per object,
        // of which the row holds one payload.
        List<Op> ops = new ArrayList<>();
        for (int o = 0; o < 8; o++) {
            for (int w = 0; w < 3; w++) {
                ops.add(update("big-" + o + "-" + w, "big-" + o, "note", VectorClock.of("w" + w, 1),
                        "\"" + o + "-" + w + "-" + "x".repeat(10 * 1024) + "\"", "work"));
            }
        }
        store.push(T, ops);
        Map<String, List<CompetingHead>> want = expected(ops);
        for (Scope scope : List.of(Scope.all(), Scope.tags("work"))) {
            Map<String, List<CompetingHead>> got = new HashMap<>();
            List<Integer> sizes = new ArrayList<>();
            String cursor = null;
            while (true) {
                PullResponse page = store.pull(T, new PullRequest(cursor, scope, 1000, true));
                long served = 0;
                long largest = 0;
                for (var o : page.objects()) {
                    assertThat(got).as("%s served once", o.objectId()).doesNotContainKey(o.objectId());
                    got.put(o.objectId(), page.otherHeads().get(o.objectId()));
                    long bytes = o.payload().utf8Length();
                    for (CompetingHead head : page.otherHeads().get(o.objectId())) {
                        bytes += head.payload().utf8Length();
                    }
                    served += bytes;
                    largest = Math.max(largest, bytes);
                }
                // At most the budget and the one object that passed it.
                assertThat(served).as("payload bytes of a page in %s", scope).isLessThanOrEqualTo(budget + largest);
                sizes.add(page.objects().size());
                if (!page.hasMore()) {
                    break;
                }
                cursor = page.serverCursor();
            }
            assertThat(got).as("heads in %s", scope).isEqualTo(want);
            // 30 KiB an object against 40 KiB a page: two objects a page (without counting the
            // heads' payloads, the rows alone, about 10 KiB each, made pages of four).
            assertThat(sizes).as("objects per page in %s", scope).containsExactly(2, 2, 2, 2);
        }
    }
}
