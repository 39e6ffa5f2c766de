package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.testing.ReferenceModel;

import java.util.ArrayList;
import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bound on an object's heads: the push that would leave more than {@code maxHeads} writes a
 * resolution op of the store's own, journaled right after the op that passed the bound, which
 * carries the policy's winner and supersedes every head; nothing leaves the journal, and clients
 * go on from the served context as always.
 */
class HeadsBoundTest {
    private static final int MAX = 10;

    private static SyncStore store(TestDatabases.Database db) {
        SyncStore store = SyncStore.builder(db.jdbi()).maxHeads(MAX).build();
        store.migrate();
        return store;
    }

    /** MAX + 1 mutually concurrent updates of "o", payloads in no order of their actors. */
    private static List<Op> concurrent() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i <= MAX; i++) {
            ops.add(update("op-" + i, "o", "note", VectorClock.of("w" + i, 1), "{\"v\":" + (i * 7 % 11) + "}", "work"));
        }
        return ops;
    }

    @StoreTesting.OnBothDatabases
    void theOpPastTheBoundIsFollowedByAResolutionThatKeepsTheWinner(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        List<Op> ops = concurrent();
        PushResult pushed = store.push("t", ops);

        assertThat(pushed.results()).extracting(OpResult::outcome)
                .containsExactlyElementsOf(expectedOutcomes());
        MaterializedObject o = store.get("t", "o");
        MaterializedObject model = ReferenceModel.of(MergePolicy.deleteWins()).materialize(ops).get("o");
        assertThat(o.heads()).isEqualTo(1);
        assertThat(o.winnerOpId()).isEqualTo("~r" + (MAX + 2));
        assertThat(o.payload()).as("the policy's winner among the concurrent ops").isEqualTo(model.payload());
        assertThat(o.tags()).isEqualTo(model.tags());
        assertThat(o.context().get(Op.STORE_ACTOR)).isEqualTo(1);
        for (Op op : ops) {
            assertThat(o.clock().dominates(op.clock())).as("resolution after %s", op.opId()).isTrue();
        }
        // Every client op is in the journal, the resolution after the op that passed the bound.
        List<HistoryEntry> history = store.history("t", "o");
        assertThat(history).extracting(e -> e.op().opId()).endsWith("op-" + MAX, "~r" + (MAX + 2));
        assertThat(history.get(history.size() - 1).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(db.count("sync_journal", "t")).isEqualTo(MAX + 2);
        assertThat(db.count("sync_conflicts", "t")).isEqualTo(MAX);
        assertThat(store.replay("t", ReplayOptions.verify()).consistent()).isTrue();
    }

    private static List<Outcome> expectedOutcomes() {
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(Outcome.APPLIED);
        for (int i = 0; i < MAX; i++) {
            outcomes.add(Outcome.MERGED);
        }
        return outcomes;
    }

    @StoreTesting.OnBothDatabases
    void clientsGoOnFromTheServedContextAndLateOpsStandBesideTheResolution(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.push("t", concurrent());
        MaterializedObject o = store.get("t", "o");

        // A client that pulled: the served context (with the store's actor) plus its own next counter.
        Op next = update("next", "o", "note", o.context().increment("w3"), "{\"v\":\"after\"}");
        assertThat(store.push("t", List.of(next)).results().get(0).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(store.get("t", "o").winnerOpId()).isEqualTo("next");

        // An op made before the resolution and concurrent with it is not lost: it becomes a head.
        Op late = update("late", "o", "note", VectorClock.of("w99", 1), "{\"v\":\"late\"}");
        assertThat(store.push("t", List.of(late)).results().get(0).outcome()).isEqualTo(Outcome.MERGED);
        assertThat(store.get("t", "o").heads()).isEqualTo(2);

        // After the rows are lost, a rebuild from the journal (resolution included) gives them back.
        MaterializedObject before = store.get("t", "o");
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM sync_objects WHERE tenant_id = 't'").execute());
        store.replay("t", ReplayOptions.rebuild());
        assertThat(store.get("t", "o")).isEqualTo(before);
    }

    @StoreTesting.OnBothDatabases
    void clientOpIdsStartingWithATildeAreRefused(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        Op forged = update("~r5", "o", "note", VectorClock.of("a", 1), "1");
        assertThatThrownBy(() -> store.push("t", List.of(forged))).isInstanceOf(InvalidOpException.class)
                .hasMessageContaining("reserved for the store")
                .satisfies(e -> assertThat(((InvalidOpException) e).field()).isEqualTo("opId"));
        assertThat(db.count("sync_journal", "t")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void theBoundIsMetNotPassedWithoutAResolution(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.push("t", concurrent().subList(0, MAX));
        assertThat(store.get("t", "o").heads()).isEqualTo(MAX);
        assertThat(db.count("sync_journal", "t")).isEqualTo(MAX);
    }

    /**
     * One push of 1,001 mutually concurrent single-actor ops under the default bounds (1,000 heads,
     * 1,000 clock actors, alias threshold 64): every op is accepted, the store resolves the heads
     * after the 1,001st, and the object a client reads off the wire has one head and a short
     * context, from which its next write supersedes the object.
     */
    @StoreTesting.OnBothDatabases
    void aPushOfMoreConcurrentOpsThanTheBoundEndsWithOneHeadUnderTheDefaults(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        int n = StoreOptions.DEFAULT_MAX_HEADS + 1;
        SyncStore store = SyncStore.builder(db.jdbi()).maxPushOps(n).build();
        store.migrate();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(update(String.format("c-%04d", i), "hot", "note", VectorClock.of(String.format("actor-%04d", i), 1),
                    Integer.toString(i)));
        }
        assertThat(store.push("t", ops).results()).allSatisfy(r -> assertThat(r.outcome()).isIn(Outcome.APPLIED, Outcome.MERGED));
        dev.syncmat.core.json.SyncJson json = dev.syncmat.core.json.SyncJson.create();
        MaterializedObject pulled = json.readObject(dev.syncmat.core.json.SyncJson.parseTree(
                json.writeObject(store.pull("t", dev.syncmat.core.protocol.PullRequest.initial()).objects().get(0)), "object"));
        assertThat(pulled.heads()).isEqualTo(1);
        assertThat(pulled.winnerOpId()).isEqualTo("~r" + (n + 1));
        assertThat(pulled.payload()).isEqualTo(ReferenceModel.of(MergePolicy.deleteWins()).materialize(ops).get("hot").payload());
        assertThat(pulled.context().size()).isLessThanOrEqualTo(dev.syncmat.core.clock.ContextAliases.DEFAULT_THRESHOLD + 1);
        assertThat(db.count("sync_conflicts", "t")).isEqualTo(n - 1);

        Op next = update("next", "hot", "note", pulled.context().increment("client"), "\"one\"");
        assertThat(store.push("t", List.of(next)).results().get(0).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(store.get("t", "hot").winnerOpId()).isEqualTo("next");
        assertThat(store.replay("t", ReplayOptions.verify()).consistent()).isTrue();
    }
}
