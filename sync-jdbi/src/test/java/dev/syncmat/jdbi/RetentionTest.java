package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.ReferenceModel;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention: purge at a horizon, graves for purged tombstones, expired cursors, the archive, and
 * replay after a purge. Every test runs a purged tenant beside an unpurged twin tenant that got the
 * same pushes at the same times, and compares with it or with the reference model.
 */
class RetentionTest {
    private static final String T = "acme";
    private static final String TWIN = "acme-twin";
    private static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

    /** Both tenants of one database, with a clock the test moves. */
    private record Pair(TestDatabases.Database db, SyncStore store, TestClock clock) {
        List<Outcome> push(Op... ops) {
            List<Outcome> twin = outcomes(store.push(TWIN, List.of(ops)));
            List<Outcome> purged = outcomes(store.push(T, List.of(ops)));
            assertThat(purged).as("outcomes beside the unpurged twin").isEqualTo(twin);
            return purged;
        }

        private static List<Outcome> outcomes(dev.syncmat.core.protocol.PushResult r) {
            return r.results().stream().map(dev.syncmat.core.protocol.OpResult::outcome).toList();
        }
    }

    private static Pair pair(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        TestClock clock = new TestClock(START);
        SyncStore store = SyncStore.builder(db.jdbi()).clock(clock).build();
        store.migrate();
        return new Pair(db, store, clock);
    }

    private static VectorClock clock(Object... actorsAndCounters) {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < actorsAndCounters.length; i += 2) {
            m.put((String) actorsAndCounters[i], ((Number) actorsAndCounters[i + 1]).longValue());
        }
        return VectorClock.of(m);
    }

    /** A note created and deleted by c1 before the horizon, a live note beside it; purged at the horizon. */
    private static Pair purgedDeletedNote(TestDatabases.Kind kind) {
        Pair p = pair(kind);
        p.push(update("c1-1", "n1", "note", clock("c1", 1), "{\"t\":\"a\"}", "inbox"),
                update("c2-1", "n2", "note", clock("c2", 1), "{\"t\":\"b\"}"));
        p.push(delete("c1-2", "n1", "note", clock("c1", 2)));
        p.clock().now = START.plusSeconds(3600);
        PurgeReport report = p.store().purge(T, PurgeOptions.before(START.plusSeconds(60)));
        assertThat(report.tombstones()).isEqualTo(1);
        p.clock().now = START.plusSeconds(7200);
        return p;
    }

    @StoreTesting.OnBothDatabases
    void purgedTombstoneIsGoneFromFindAndFromAFullPull(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        assertThat(p.store().find(T, "n1")).isEmpty();
        assertThat(p.store().find(TWIN, "n1")).get().extracting(MaterializedObject::deleted).isEqualTo(true);
        assertThat(StoreTesting.pullAll(p.store(), T, PullRequest.initial()).ids()).containsExactly("n2");
        assertThat(p.db().count("sync_graves", T)).isEqualTo(1);
        assertThat(p.db().count("sync_object_tags", T)).isZero();
    }

    @StoreTesting.OnBothDatabases
    void lateOpThatTheDeleteDominatesIsStaleAndDoesNotResurrect(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        // A re-send under a new id of an edit made before the delete (the case seen by hand before purge existed).
        assertThat(p.push(update("c1-1b", "n1", "note", clock("c1", 1), "{\"t\":\"zzz\"}"))).containsExactly(Outcome.STALE);
        assertThat(p.store().find(T, "n1")).isEmpty();
        assertThat(p.store().replay(T, ReplayOptions.verify()).changed()).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void lateConcurrentOpMergesBesideThePurgedDeleteWhichStillWins(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        Op late = update("c3-1", "n1", "note", clock("c3", 1), "{\"t\":\"zzz\"}");
        assertThat(p.push(late)).containsExactly(Outcome.MERGED);
        MaterializedObject got = p.store().get(T, "n1");
        assertThat(got).isEqualTo(p.store().get(TWIN, "n1"));
        assertThat(got.deleted()).isTrue();
        assertThat(got.heads()).isEqualTo(2);
        SortedMap<String, MaterializedObject> model = ReferenceModel.of(MergePolicy.deleteWins()).materialize(List.of(
                update("c1-1", "n1", "note", clock("c1", 1), "{\"t\":\"a\"}", "inbox"),
                delete("c1-2", "n1", "note", clock("c1", 2)), late));
        assertThat(got).isEqualTo(model.get("n1"));
        assertThat(p.db().count("sync_graves", T)).isZero();
        assertThat(p.store().conflicts(T, ConflictQuery.all())).hasSize(1);
    }

    @StoreTesting.OnBothDatabases
    void lateOpThatSawTheDeleteBringsTheObjectBack(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        assertThat(p.push(update("c1-3", "n1", "note", clock("c1", 3), "{\"t\":\"again\"}"))).containsExactly(Outcome.APPLIED);
        MaterializedObject got = p.store().get(T, "n1");
        assertThat(got).isEqualTo(p.store().get(TWIN, "n1"));
        assertThat(got.deleted()).isFalse();
        assertThat(got.payload().json()).isEqualTo("{\"t\":\"again\"}");
    }

    @StoreTesting.OnBothDatabases
    void cursorIssuedBeforeTheHorizonIsExpiredAndOneAfterItStillWorks(TestDatabases.Kind kind) {
        Pair p = pair(kind);
        p.push(update("c1-1", "n1", "note", clock("c1", 1), "{}"));
        String old = p.store().headCursor(T);
        p.push(delete("c1-2", "n1", "note", clock("c1", 2)));
        String atDelete = p.store().headCursor(T);
        p.clock().now = START.plusSeconds(120);
        p.push(update("c2-1", "n2", "note", clock("c2", 1), "{}"));
        String recent = p.store().headCursor(T);
        p.push(update("c2-2", "n2", "note", clock("c2", 2), "{\"v\":2}"));
        p.store().purge(T, PurgeOptions.before(START.plusSeconds(60)));

        assertThatThrownBy(() -> p.store().pull(T, PullRequest.since(old)))
                .isInstanceOfSatisfying(InvalidCursorException.class, e -> {
                    assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.EXPIRED);
                    assertThat(e.code()).isEqualTo("cursor_expired");
                    assertThat(e.getMessage()).contains("retention horizon");
                });
        // A cursor at the horizon's own journal position saw the delete before it was purged.
        assertThat(StoreTesting.pullAll(p.store(), T, PullRequest.since(atDelete)).ids()).containsExactly("n2");
        assertThat(StoreTesting.pullAll(p.store(), T, PullRequest.since(recent)).ids()).containsExactly("n2");
        assertThat(p.store().pull(TWIN, PullRequest.since(p.store().headCursor(TWIN))).objects()).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void aClientResyncingFromNullAfterAPurgePagesThroughChangesBelowTheHorizon(TestDatabases.Kind kind) {
        Pair p = pair(kind);
        p.push(update("a-1", "a", "note", clock("a", 1), "{}"), update("b-1", "b", "note", clock("b", 1), "{}"),
                update("c-1", "c", "note", clock("c", 1), "{}"));
        p.push(update("d-1", "d", "note", clock("d", 1), "{}"));
        p.push(delete("d-2", "d", "note", clock("d", 2)));
        p.clock().now = START.plusSeconds(120);
        PurgeReport report = p.store().purge(T, PurgeOptions.before(START.plusSeconds(60)));
        assertThat(report.horizonChangeSeq()).isEqualTo(5);
        // Pages of one object: the cursors between them point below the change horizon.
        StoreTesting.Pulled all = StoreTesting.pullAll(p.store(), T, PullRequest.initial().withLimit(1));
        assertThat(all.ids()).containsExactly("a", "b", "c");
        assertThat(all.pages()).hasSize(3);
        assertThat(StoreTesting.seqOf(all.pages().get(0).serverCursor())).isLessThan(report.horizonChangeSeq());
    }

    /**
     * An archive is self-contained for objects with context aliases: an object written by more
     * actors than the alias threshold, then by clients that send the compressed context they were
     * served ({@code "~": k}), is archived with its aliases, and the archive's ops alone (removed
     * entries and snapshot heads) materialize, in the reference model, to the same object as the
     * ops with their full clocks.
     */
    @StoreTesting.OnBothDatabases
    void anArchiveCarriesTheAliasesItsOpsName(TestDatabases.Kind kind) {
        Pair p = pair(kind);
        List<Op> full = new ArrayList<>();
        Map<String, Long> context = new TreeMap<>();
        // 70 actors in a chain: each saw every op before it (the threshold is 64 entries).
        for (int i = 0; i < 70; i++) {
            context.put("w" + i, 1L);
            Op op = update("w" + i + "-1", "big", "note", VectorClock.of(context), "{\"n\":" + i + "}", "t");
            full.add(op);
            p.store().push(T, List.of(op));
        }
        // Clients on the served, compressed context: one supersedes, two then write concurrently.
        VectorClock served = p.store().get(T, "big").context();
        assertThat(served.get("~")).as("the store made an alias").isPositive();
        VectorClock expanded = VectorClock.of(context);
        Op next = update("x-1", "big", "note", served.merge(VectorClock.of("x", 1)), "{\"n\":\"x\"}", "t");
        p.store().push(T, List.of(next));
        full.add(next.toBuilder().clock(expanded.merge(VectorClock.of("x", 1))).build());
        VectorClock served2 = p.store().get(T, "big").context();
        for (String actor : List.of("y", "z")) {
            Op op = update(actor + "-1", "big", "note", served2.merge(VectorClock.of(actor, 1)), "{\"n\":\"" + actor + "\"}", "t");
            p.store().push(T, List.of(op));
            full.add(op.toBuilder().clock(expanded.merge(VectorClock.of("x", 1, actor, 1))).build());
        }
        assertThat(p.store().get(T, "big").heads()).isEqualTo(2);

        p.clock().now = START.plusSeconds(3600);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        PurgeReport report = p.store().purge(T, PurgeOptions.before(START.plusSeconds(60)).withArchive(archive));
        assertThat(report.journalArchived()).isPositive();
        String text = archive.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\"type\":\"aliases\"");

        List<Op> archived = new ArrayList<>();
        try {
            PurgeArchive.read(new BufferedReader(new StringReader(text)), SyncJson.create(), e -> archived.add(e.op()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Every op was before the horizon: removed or a snapshot head, one line each.
        assertThat(archived).extracting(Op::opId).containsExactlyInAnyOrderElementsOf(full.stream().map(Op::opId).toList());
        assertThat(archived).noneMatch(op -> op.clock().get("~") != 0);
        ReferenceModel model = ReferenceModel.of(MergePolicy.deleteWins());
        assertThat(model.materialize(archived)).isEqualTo(model.materialize(full));

        // Without its aliases line the archive cannot tell what "~" stands for: refused, naming the line.
        String stripped = text.lines().filter(l -> !l.contains("\"type\":\"aliases\"")).collect(java.util.stream.Collectors.joining("\n"));
        assertThatThrownBy(() -> PurgeArchive.read(new BufferedReader(new StringReader(stripped)), SyncJson.create(), e -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("of the archive").hasMessageContaining("alias");
    }

    @StoreTesting.OnBothDatabases
    void dryRunReportsWhatAPurgeRemovesAndWritesNothing(TestDatabases.Kind kind) {
        Pair p = pair(kind);
        fillRandom(p, 11);
        p.clock().now = START.plusSeconds(10_000);
        Instant horizon = START.plusSeconds(40);
        Map<String, Long> before = counts(p);
        String cursor = p.store().headCursor(T);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        PurgeReport dry = p.store().purge(T, PurgeOptions.before(horizon).withDryRun(true).withArchive(archive));
        assertThat(counts(p)).isEqualTo(before);
        assertThat(archive.size()).isZero();
        assertThat(p.store().pull(T, PullRequest.since(cursor)).objects()).isEmpty();
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.tombstones() + dry.conflicts() + dry.journalArchived()).isPositive();

        PurgeReport real = p.store().purge(T, PurgeOptions.before(horizon).withArchive(archive));
        assertThat(real).isEqualTo(new PurgeReport(T, false, dry.horizon(), dry.horizonJournalSeq(), dry.horizonChangeSeq(),
                dry.tombstones(), dry.conflicts(), dry.scopeExits(), dry.journalArchived(), dry.snapshotHeads()));
        Map<String, Long> after = counts(p);
        assertThat(before.get("sync_objects") - after.get("sync_objects")).isEqualTo(real.tombstones());
        assertThat(after.get("sync_graves")).isEqualTo(real.tombstones());
        assertThat(before.get("sync_conflicts") - after.get("sync_conflicts")).isEqualTo(real.conflicts());
        assertThat(before.get("sync_journal") - after.get("sync_journal")).isEqualTo(real.journalArchived());
    }

    @StoreTesting.OnBothDatabases
    void horizonOnlyMovesForwardAndNeverPastTheClock(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        Map<String, Long> before = counts(p);
        assertThatThrownBy(() -> p.store().purge(T, PurgeOptions.before(START.plusSeconds(30))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("before");
                    assertThat(e.getMessage()).contains("only moves forward").contains(START.plusSeconds(60).toString());
                });
        assertThatThrownBy(() -> p.store().purge(T, PurgeOptions.before(p.clock().now.plusSeconds(1))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("before"));
        assertThat(counts(p)).isEqualTo(before);
        // The same horizon again is allowed (it finishes a purge that failed part way) and finds nothing left.
        PurgeReport again = p.store().purge(T, PurgeOptions.before(START.plusSeconds(60)));
        assertThat(again.tombstones() + again.conflicts() + again.journalArchived()).isZero();
        assertThatThrownBy(() -> PurgeOptions.before(START).withBatchSize(0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("batchSize"));
        assertThatThrownBy(() -> PurgeOptions.before(null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("before"));
    }

    @StoreTesting.OnBothDatabases
    void badTenantIsRefusedAndAnUnknownTenantIsLeftWithoutARow(TestDatabases.Kind kind) {
        Pair p = purgedDeletedNote(kind);
        Map<String, Long> before = counts(p);
        assertThatThrownBy(() -> p.store().purge("", PurgeOptions.before(START)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("tenantId"));
        PurgeReport unknown = p.store().purge("nobody", PurgeOptions.before(START));
        assertThat(unknown).isEqualTo(new PurgeReport("nobody", false, null, 0, 0, 0, 0, 0, 0, 0));
        assertThat(p.db().count("sync_tenants", "nobody")).isZero();
        assertThat(counts(p)).isEqualTo(before);
    }

    @StoreTesting.OnBothDatabases
    void afterPurgeAndArchiveVerifyAndRebuildFindNothingAndTheArchiveRebuildsTheTwin(TestDatabases.Kind kind) throws IOException {
        Pair p = pair(kind);
        List<Op> ops = fillRandom(p, 5);
        p.clock().now = START.plusSeconds(10_000);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        PurgeReport report = p.store().purge(T, PurgeOptions.before(START.plusSeconds(40)).withArchive(archive).withBatchSize(7));
        assertThat(report.journalArchived()).isPositive();
        assertThat(report.tombstones()).isPositive();

        ReplayReport verify = p.store().replay(T, ReplayOptions.verify());
        assertThat(verify.changed()).isEmpty();
        assertThat(verify.conflictsChanged()).isEmpty();
        ReplayReport rebuild = p.store().replay(T, ReplayOptions.rebuild());
        assertThat(rebuild.changed()).isEmpty();
        assertThat(rebuild.conflictsChanged()).isEmpty();
        assertThat(p.db().count("sync_graves", T)).isEqualTo(report.tombstones());

        // Every object's winner (and, with several heads, every head) still has its journal row.
        Long headsMissing = p.db().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM sync_objects o WHERE o.tenant_id = :t AND NOT EXISTS (SELECT 1 FROM sync_journal j "
                        + "WHERE j.tenant_id = o.tenant_id AND j.op_id = o.winner_op_id)").bind("t", T).mapTo(Long.class).one());
        assertThat(headsMissing).isZero();

        // The archive's removed entries plus the journal that is left are the whole journal: they
        // materialize to the unpurged twin's objects.
        List<Op> rebuilt = new ArrayList<>();
        List<Op> snapshot = new ArrayList<>();
        PurgeArchive.read(new BufferedReader(new StringReader(archive.toString(StandardCharsets.UTF_8))), SyncJson.create(),
                e -> (e.snapshotHead() ? snapshot : rebuilt).add(e.op()));
        assertThat(rebuilt).hasSize((int) report.journalArchived());
        assertThat(snapshot).hasSize((int) report.snapshotHeads());
        Map<String, MaterializedObject> twin = new TreeMap<>();
        StoreTesting.pullAll(p.store(), TWIN, PullRequest.initial()).objects().forEach(o -> twin.put(o.objectId(), o));
        for (String id : twin.keySet()) {
            for (HistoryEntry e : p.store().history(T, id)) {
                rebuilt.add(e.op());
            }
        }
        assertThat(StoreTesting.distinctOpIds(rebuilt)).isEqualTo(StoreTesting.distinctOpIds(ops));
        assertThat(ReferenceModel.of(MergePolicy.deleteWins()).materialize(rebuilt)).isEqualTo(twin);
    }

    /** Random causal histories pushed in batches, one second apart, into both tenants; returns the ops. */
    private static List<Op> fillRandom(Pair p, long seed) {
        List<Op> ops = CausalHistories.defaults().replicas(3).objects(12).steps(160).generate(seed).ops();
        List<Op> delivery = new ArrayList<>(ops);
        Collections.shuffle(delivery, new Random(seed));
        for (int i = 0; i < delivery.size(); i += 2) {
            p.clock().tick();
            p.push(delivery.subList(i, Math.min(delivery.size(), i + 2)).toArray(Op[]::new));
        }
        return ops;
    }

    private static Map<String, Long> counts(Pair p) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (String table : StoreTesting.TABLES) {
            c.put(table, p.db().count(table, T));
        }
        c.put("horizon", p.db().jdbi().withHandle(h -> h.createQuery(
                "SELECT horizon_journal_seq + horizon_change_seq FROM sync_tenants WHERE tenant_id = :t").bind("t", T)
                .mapTo(Long.class).one()));
        return c;
    }
}
