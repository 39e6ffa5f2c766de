package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.testing.CausalHistories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayTest {

    /** A store with two tenants pushed online from random histories; returns the ops per tenant. */
    private static Map<String, List<Op>> fill(SyncStore store, long seed) {
        Map<String, List<Op>> byTenant = new TreeMap<>();
        byTenant.put("t1", CausalHistories.defaults().replicas(4).objects(25).steps(400).generate(seed).ops());
        byTenant.put("t2", CausalHistories.defaults().replicas(3).objects(25).steps(300).generate(seed + 1).ops());
        Random random = new Random(seed);
        byTenant.forEach((tenant, ops) -> {
            List<Op> delivery = new ArrayList<>(ops);
            java.util.Collections.shuffle(delivery, random);
            for (int i = 0; i < delivery.size(); i += 37) {
                store.push(tenant, delivery.subList(i, Math.min(delivery.size(), i + 37)));
            }
        });
        return byTenant;
    }

    private static SyncStore store(TestDatabases.Database db) {
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        return store;
    }

    private static Map<String, MaterializedObject> pullAll(SyncStore store, String tenant) {
        Map<String, MaterializedObject> all = new HashMap<>();
        PullRequest request = PullRequest.initial().withLimit(100);
        while (true) {
            PullResponse page = store.pull(tenant, request);
            page.objects().forEach(o -> all.put(o.objectId(), o));
            if (!page.hasMore()) {
                return all;
            }
            request = request.withCursor(page.serverCursor());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void replayingAStoreBuiltOnlineReportsNoDifference(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        Map<String, List<Op>> ops = fill(store, 11);
        for (String tenant : ops.keySet()) {
            List<ReplayProgress> progress = new ArrayList<>();
            ReplayReport report = store.replay(tenant, ReplayOptions.verify().withPageSize(50).withProgress(progress::add));
            assertThat(report.consistent()).as("%s", report).isTrue();
            assertThat(report.journalOps()).isEqualTo(ops.get(tenant).size());
            assertThat(report.journalOps()).isEqualTo(db.count("sync_journal", tenant));
            assertThat(report.objects()).isEqualTo(db.count("sync_objects", tenant));
            assertThat(report.conflicts()).isEqualTo(db.count("sync_conflicts", tenant));
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1).journalOps()).isEqualTo(report.journalOps());

            ReplayReport rebuilt = store.replay(tenant, ReplayOptions.rebuild().withPageSize(64));
            assertThat(rebuilt.consistent()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void verifyNamesExactlyTheTamperedObjectAndRebuildRepairsExactlyIt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        fill(store, 12);
        Map<String, MaterializedObject> before = pullAll(store, "t1");
        String clientCursor = store.headCursor("t1");
        long journalRows = db.count("sync_journal");
        Map<String, MaterializedObject> otherTenant = pullAll(store, "t2");
        String victim = new TreeSet<>(before.keySet()).first();

        int updated = db.jdbi().withHandle(h -> h.createUpdate(
                        "UPDATE sync_objects SET payload = '\"tampered\"', is_tombstone = FALSE WHERE tenant_id = 't1' AND object_id = :id")
                .bind("id", victim).execute());
        assertThat(updated).isEqualTo(1);

        ReplayReport verify = store.replay("t1", ReplayOptions.verify().withPageSize(40));
        assertThat(verify.changed()).containsExactly(victim);
        assertThat(verify.conflictsChanged()).isEmpty();
        assertThat(store.get("t1", victim).payload().json()).isEqualTo("\"tampered\"");

        ReplayReport rebuild = store.replay("t1", ReplayOptions.rebuild().withPageSize(40));
        assertThat(rebuild.changed()).containsExactly(victim);
        assertThat(store.get("t1", victim)).isEqualTo(before.get(victim));
        assertThat(pullAll(store, "t1")).isEqualTo(before);

        PullResponse corrections = store.pull("t1", PullRequest.since(clientCursor));
        assertThat(corrections.objects()).containsExactly(before.get(victim));
        assertThat(corrections.hasMore()).isFalse();

        assertThat(store.replay("t1", ReplayOptions.verify()).consistent()).isTrue();
        assertThat(db.count("sync_journal")).isEqualTo(journalRows);
        assertThat(pullAll(store, "t2")).isEqualTo(otherTenant);
        assertThat(store.pull("t2", PullRequest.since(store.headCursor("t2"))).objects()).isEmpty();
    }

    /**
     * A row that can no longer be read back (the tombstone flag of a deleted object flipped, so the
     * row claims a live object with no payload) is what verify exists to find: it is reported as
     * differing instead of stopping verify, a push to it fails as corrupt data (not as bad input),
     * and rebuild rewrites it.
     */
    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void verifyReportsAnUnreadableRowAndRebuildRepairsIt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.push("t1", List.of(StoreTesting.update("u1", "gone", "note", VectorClock.of("a", 1), "\"x\"", "work"),
                StoreTesting.update("u2", "kept", "note", VectorClock.of("a", 1), "\"y\"")));
        store.push("t1", List.of(StoreTesting.delete("d1", "gone", "note", VectorClock.of("a", 2))));
        Map<String, MaterializedObject> before = pullAll(store, "t1");
        assertThat(before.get("gone").deleted()).isTrue();

        int updated = db.jdbi().withHandle(h -> h.createUpdate(
                "UPDATE sync_objects SET is_tombstone = FALSE WHERE tenant_id = 't1' AND object_id = 'gone'").execute());
        assertThat(updated).isEqualTo(1);

        ReplayReport verify = store.replay("t1", ReplayOptions.verify());
        assertThat(verify.changed()).containsExactly("gone");
        assertThat(verify.consistent()).isFalse();

        Op late = StoreTesting.update("u3", "gone", "note", VectorClock.of("b", 1), "\"z\"");
        assertThatThrownBy(() -> store.push("t1", List.of(late)))
                .isInstanceOfSatisfying(CorruptRowException.class, e -> {
                    assertThat(e.objectId()).isEqualTo("gone");
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("replay --mode rebuild");
                });
        assertThat(db.count("sync_journal", "t1")).isEqualTo(3);

        ReplayReport rebuild = store.replay("t1", ReplayOptions.rebuild());
        assertThat(rebuild.changed()).containsExactly("gone");
        assertThat(pullAll(store, "t1")).isEqualTo(before);
        assertThat(store.replay("t1", ReplayOptions.verify()).consistent()).isTrue();
        assertThat(store.push("t1", List.of(late)).results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED);
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void rebuildAfterTruncatingObjectsAndConflictsRestoresEverything(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        Map<String, List<Op>> ops = fill(store, 13);
        Map<String, MaterializedObject> before = pullAll(store, "t1");
        List<ConflictRecord> conflicts = store.conflicts("t1", ConflictQuery.all());
        long t2Conflicts = db.count("sync_conflicts", "t2");
        db.jdbi().useHandle(h -> {
            h.execute("DELETE FROM sync_objects WHERE tenant_id = 't1'");
            h.execute("DELETE FROM sync_conflicts WHERE tenant_id = 't1'");
        });

        ReplayReport verify = store.replay("t1", ReplayOptions.verify());
        assertThat(verify.changed()).hasSize(before.size());
        assertThat(verify.changed()).isSortedAccordingTo(dev.syncmat.core.Utf8Order.COMPARATOR);

        store.replay("t1", ReplayOptions.rebuild().withPageSize(33));
        assertThat(pullAll(store, "t1")).isEqualTo(before);
        assertThat(store.conflicts("t1", ConflictQuery.all())).isEqualTo(conflicts);
        assertThat(db.count("sync_conflicts", "t2")).isEqualTo(t2Conflicts);
        assertThat(db.count("sync_journal", "t1")).isEqualTo(ops.get("t1").size());
        assertThat(store.replay("t1", ReplayOptions.verify()).consistent()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void orphanRowsAreReportedAndRemovedByRebuild(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        fill(store, 14);
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO sync_objects (tenant_id, object_id, object_type, payload, is_tombstone, vector_clock, "
                    + "context_clock, winner_op_id, winner_timestamp, tags, head_count, other_heads, change_seq, updated_at) "
                    + "VALUES ('t1', 'ghost', 'note', '1', FALSE, '{\"z\":1}', '{\"z\":1}', 'ghost-1', NULL, '[]', 1, NULL, "
                    + "100000, CURRENT_TIMESTAMP)");
            h.execute("INSERT INTO sync_conflicts (tenant_id, journal_seq, winner_op_id, loser_op_id, object_id, object_type, "
                    + "reason, created_at) VALUES ('t1', 99999, 'a', 'b', 'phantom', 'note', 'OP_ID_ORDER', CURRENT_TIMESTAMP)");
        });
        ReplayReport verify = store.replay("t1", ReplayOptions.verify());
        assertThat(verify.changed()).containsExactly("ghost");
        assertThat(verify.conflictsChanged()).containsExactly("phantom");
        store.replay("t1", ReplayOptions.rebuild());
        assertThat(store.find("t1", "ghost")).isEmpty();
        assertThat(store.conflicts("t1", ConflictQuery.object("phantom"))).isEmpty();
        assertThat(store.replay("t1", ReplayOptions.verify()).consistent()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void verifyOfAPolicySwitchReportsExactlyTheObjectsItsWinnerWouldChange(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        Map<String, List<Op>> ops = fill(store, 15);
        Materializer deleteWins = Materializer.of(MergeEngine.of(MergePolicy.deleteWins()));
        Materializer updateWins = Materializer.of(MergeEngine.of(MergePolicy.updateWins()));
        deleteWins.applyAll(ops.get("t1"));
        updateWins.applyAll(ops.get("t1"));
        Set<String> expected = new TreeSet<>(dev.syncmat.core.Utf8Order.COMPARATOR);
        for (ObjectState s : deleteWins.objects()) {
            if (!s.winnerOpId().equals(updateWins.get(s.objectId()).winnerOpId())) {
                expected.add(s.objectId());
            }
        }
        assertThat(expected).as("the history should contain delete/update conflicts").isNotEmpty();

        ReplayReport verify = store.replay("t1",
                ReplayOptions.verify().withPolicy(MergePolicy.updateWins()).withSwitchPolicy(true));
        assertThat(verify.policy()).isEqualTo("update-wins");
        assertThat(verify.changed()).containsExactlyElementsOf(expected);

        SyncStore switched = SyncStore.builder(db.jdbi()).mergePolicy(MergePolicy.updateWins()).build();
        switched.replay("t1", ReplayOptions.rebuild().withSwitchPolicy(true));
        for (ObjectState s : updateWins.objects()) {
            assertThat(switched.get("t1", s.objectId())).isEqualTo(MaterializedObject.of(s));
        }
        assertThat(switched.replay("t1", ReplayOptions.verify()).consistent()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void historyListsJournalEntriesWithOutcomesAndConflictsAreQueryable(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), java.time.ZoneOffset.UTC);
        SyncStore store = SyncStore.builder(db.jdbi()).clock(clock).build();
        store.migrate();
        Op a1 = Op.update("a1", "doc", "note", VectorClock.of("a", 1), Payload.parse("\"x\""));
        Op b1 = Op.update("b1", "doc", "note", VectorClock.of("b", 1), Payload.parse("\"y\""));
        Op c1 = Op.delete("c1", "doc", "note", VectorClock.of("c", 1));
        Op a0 = Op.update("a0", "doc", "note", VectorClock.of("a", 1, "b", 1, "c", 1, "d", 1), Payload.parse("\"z\""));
        Op stale = Op.update("old", "doc", "note", VectorClock.of("a", 1), Payload.parse("1"));
        store.push("t", List.of(a1, b1));
        store.push("t", List.of(c1, a0, stale, a1));
        store.push("other", List.of(a1));

        List<HistoryEntry> history = store.history("t", "doc");
        assertThat(history).extracting(e -> e.op().opId()).containsExactly("a1", "b1", "c1", "a0", "old");
        assertThat(history).extracting(HistoryEntry::outcome)
                .containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.MERGED, Outcome.APPLIED, Outcome.STALE);
        assertThat(history).extracting(HistoryEntry::journalSeq).containsExactly(1L, 2L, 3L, 4L, 5L);
        // c1 meets a1 and b1 and is recorded once, against b1, which outranks a1 ("y" above "x").
        assertThat(history.get(2).conflicts()).containsExactly(new Conflict("doc", "c1", "b1", ConflictReason.DELETE_WINS, 2));
        assertThat(store.history("t", "nothing")).isEmpty();

        List<ConflictRecord> all = store.conflicts("t", ConflictQuery.all());
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(all).containsExactly(
                new ConflictRecord(2, "doc", "note", "b1", "a1", ConflictReason.PAYLOAD_ORDER, at, 1),
                new ConflictRecord(3, "doc", "note", "c1", "b1", ConflictReason.DELETE_WINS, at, 2));
        assertThat(store.conflicts("t", ConflictQuery.object("doc"))).isEqualTo(all);
        assertThat(store.conflicts("t", ConflictQuery.object("nope"))).isEmpty();
        assertThat(store.conflicts("t", ConflictQuery.between(Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-24T10:00:01Z")))).isEqualTo(all);
        assertThat(store.conflicts("t", ConflictQuery.between(Instant.parse("2026-11-24T10:00:01Z"), null))).isEmpty();
        assertThat(store.conflicts("other", ConflictQuery.all())).isEmpty();
        assertThat(store.conflictCounts("t")).containsExactly(
                new ConflictCount(ConflictReason.DELETE_WINS, "note", 1),
                new ConflictCount(ConflictReason.PAYLOAD_ORDER, "note", 1));
    }
}
