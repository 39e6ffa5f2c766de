package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.ReplayReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * No object ever becomes unwritable: however many actors write an object, clients that follow the
 * clock discipline (take the served context, increment their own actor) keep superseding it, and
 * the contexts they are served stay within the alias threshold plus one entry.
 */
class ContextAliasStoreTest {
    private static final String T = "tenant-aliases";
    private static final int THRESHOLD = ContextAliases.DEFAULT_THRESHOLD;
    private static final SyncJson JSON = SyncJson.create();

    private static String actor(int i) {
        return String.format("actor-%04d", i);
    }

    /** The object as a client reads it off the wire: written and read back with the library's own JSON. */
    private static MaterializedObject overTheWire(MaterializedObject o) {
        return JSON.readObject(SyncJson.parseTree(JSON.writeObject(o), "object"));
    }

    /** The object as pulled after {@code cursor}; the cursor to pull from next is stored in {@code next[0]}. */
    private static MaterializedObject pullOne(SyncStore store, String cursor, String[] next) {
        PullResponse page = store.pull(T, cursor == null ? PullRequest.initial() : PullRequest.since(cursor));
        assertThat(page.objects()).hasSize(1);
        next[0] = page.serverCursor();
        return overTheWire(page.objects().get(0));
    }

    private static Outcome pushOne(SyncStore store, Op op) {
        List<OpResult> results = store.push(T, List.of(op)).results();
        return results.get(0).outcome();
    }

    /**
     * 1,100 clients one after another pull the object, take its context, increment their own actor
     * and write: every write is applied, the object keeps one head, the served context never has
     * more than T + 1 entries, and afterwards new and old clients alike supersede it.
     */
    @StoreTesting.OnBothDatabases
    void elevenHundredActorsOneAfterAnotherKeepTheObjectWritable(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        assertThat(pushOne(store, update("op-0000", "doc", "note", VectorClock.of(actor(0), 1), "0"))).isEqualTo(Outcome.APPLIED);
        String[] cursor = {null};
        int maxServed = 0;
        for (int i = 1; i < 1100; i++) {
            MaterializedObject pulled = pullOne(store, cursor[0], cursor);
            maxServed = Math.max(maxServed, pulled.context().size());
            assertThat(pulled.heads()).isEqualTo(1);
            VectorClock next = pulled.context().increment(actor(i));
            assertThat(pushOne(store, update(String.format("op-%04d", i), "doc", "note", next, Integer.toString(i))))
                    .as("write of client %d", i).isEqualTo(Outcome.APPLIED);
        }
        MaterializedObject last = pullOne(store, cursor[0], cursor);
        assertThat(maxServed).isLessThanOrEqualTo(THRESHOLD + 1);
        assertThat(last.context().size()).isLessThanOrEqualTo(THRESHOLD + 1);
        assertThat(last.heads()).isEqualTo(1);
        assertThat(last.winnerOpId()).isEqualTo("op-1099");
        assertThat(f.db().count("sync_aliases")).isGreaterThanOrEqualTo(1100 / (THRESHOLD + 1));

        // A new client and the very first one both supersede it. The first client's own counter is
        // now behind the alias, so, as the clock discipline says, it merges in its own last clock.
        assertThat(pushOne(store, update("late-new", "doc", "note", last.context().increment("late"), "\"new\"")))
                .isEqualTo(Outcome.APPLIED);
        MaterializedObject afterNew = pullOne(store, cursor[0], cursor);
        assertThat(pushOne(store, update("late-old", "doc", "note", afterNew.context().merge(VectorClock.of(actor(0), 1)).increment(actor(0)), "\"old\"")))
                .isEqualTo(Outcome.APPLIED);
        MaterializedObject end = pullOne(store, cursor[0], cursor);
        assertThat(end.heads()).isEqualTo(1);
        assertThat(end.winnerOpId()).isEqualTo("late-old");

        // Replay reads the aliases back: the stored state is what the journal and aliases say.
        ReplayReport verify = store.replay(T, ReplayOptions.verify());
        assertThat(verify.changed()).isEmpty();
        assertThat(verify.conflictsChanged()).isEmpty();
        List<HistoryEntry> history = store.history(T, "doc");
        assertThat(history).hasSize(1102);
        assertThat(history).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.APPLIED));
    }

    /**
     * One push of more mutually concurrent single-actor ops than a clock may name actors (1,001
     * against the default limit of 1,000, with the default alias threshold, in a push allowed to carry
     * that many) gives as many heads; a
     * client that pulls is served a short context it can read, and its next write collapses the
     * object to one head. Each op but the first is merged beside the heads before it and records
     * one conflict, so the push writes 1,000 conflict rows, within the bound of 2 per op.
     */
    @StoreTesting.OnBothDatabases
    void moreConcurrentOpsThanTheActorLimitCollapseUnderOneWrite(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        Limits limits = Limits.defaults();
        int n = limits.maxClockActors() + 1;
        // The default clock limits and alias threshold; only the push size is raised to carry them,
        // and the bound on heads, so that the store does not resolve them itself (HeadsBoundTest).
        SyncStore store = SyncStore.builder(db.jdbi()).maxPushOps(n).maxHeads(n).build();
        store.migrate();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(update(String.format("c-%04d", i), "hot", "note", VectorClock.of(actor(i), 1), Integer.toString(i)));
        }
        assertThat(store.push(T, ops).results()).allSatisfy(r -> assertThat(r.outcome()).isIn(Outcome.APPLIED, Outcome.MERGED));
        long conflictRows = db.count("sync_conflicts", T);
        assertThat(conflictRows).isEqualTo(n - 1).isLessThanOrEqualTo(2L * n);
        PullResponse page = store.pull(T, PullRequest.initial());
        MaterializedObject pulled = overTheWire(page.objects().get(0));
        assertThat(pulled.heads()).isEqualTo(n);
        assertThat(pulled.context()).isEqualTo(VectorClock.of(ContextAliases.ACTOR, 1));

        assertThat(pushOne(store, update("resolve", "hot", "note", pulled.context().increment("resolver"), "\"one\"")))
                .isEqualTo(Outcome.APPLIED);
        MaterializedObject after = store.get(T, "hot");
        assertThat(after.heads()).isEqualTo(1);
        assertThat(after.winnerOpId()).isEqualTo("resolve");
        assertThat(after.context().size()).isLessThanOrEqualTo(THRESHOLD + 1);
        assertThat(db.count("sync_conflicts", T)).as("an applied op records no conflict").isEqualTo(conflictRows);
        ReplayReport verify = store.replay(T, ReplayOptions.verify());
        assertThat(verify.changed()).isEmpty();
        assertThat(verify.conflictsChanged()).isEmpty();
    }

    /**
     * A clock naming an alias its object does not have is refused, naming the {@code clock} field,
     * and the push writes nothing.
     */
    @StoreTesting.OnBothDatabases
    void clockNamingAnUnknownAliasIsRefusedAndWritesNothing(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        store.push(T, List.of(update("a-1", "plain", "note", VectorClock.of("a", 1), "1")));
        List<Op> wide = new ArrayList<>();
        for (int i = 0; i <= THRESHOLD; i++) {
            wide.add(update("w-" + i, "wide", "note", VectorClock.of(actor(i), 1), "1"));
        }
        store.push(T, wide);
        assertThat(store.get(T, "wide").context()).isEqualTo(VectorClock.of(ContextAliases.ACTOR, 1));
        Map<String, Long> before = f.counts();
        String headBefore = store.headCursor(T);

        for (Op bad : List.of(
                update("x-1", "plain", "note", VectorClock.of(ContextAliases.ACTOR, 1, "a", 2), "2"),
                update("x-2", "wide", "note", VectorClock.of(ContextAliases.ACTOR, 2, "b", 1), "2"),
                update("x-3", "new", "note", VectorClock.of(ContextAliases.ACTOR, 1, "b", 1), "2"))) {
            // A valid op first in the same batch: it must not stay written either.
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> store.push(T,
                    List.of(update("ok-" + bad.opId(), "plain", "note", VectorClock.of("a", 5), "5"), bad)));
            assertThat(e).as(bad.opId()).isNotNull();
            assertThat(e.field()).isEqualTo("clock");
            assertThat(e.getMessage()).contains("alias");
        }
        assertThat(f.counts()).isEqualTo(before);
        assertThat(store.headCursor(T)).isEqualTo(headBefore);
        // The alias the object has is accepted.
        assertThat(pushOne(store, update("y-1", "wide", "note", VectorClock.of(ContextAliases.ACTOR, 1, "b", 1), "3")))
                .isEqualTo(Outcome.APPLIED);
    }

    /**
     * An object over the threshold without an alias (written by a store with a higher threshold, or
     * before aliases existed) gets its alias from a rebuild, after which verify finds nothing to
     * change and the served context is short.
     */
    @StoreTesting.OnBothDatabases
    void rebuildRecordsTheAliasOfAnObjectOverTheThreshold(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore lax = SyncStore.builder(f.db().jdbi()).aliasThreshold(998).build();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            ops.add(update("r-" + i, "wide", "note", VectorClock.of(actor(i), 1), "1"));
        }
        lax.push(T, ops);
        assertThat(f.store().get(T, "wide").context().size()).isEqualTo(70);
        assertThat(f.db().count("sync_aliases")).isZero();

        ReplayReport rebuild = f.store().replay(T, ReplayOptions.rebuild());
        assertThat(rebuild.changed()).containsExactly("wide");
        assertThat(f.db().count("sync_aliases")).isEqualTo(1);
        MaterializedObject served = f.store().get(T, "wide");
        assertThat(served.context()).isEqualTo(VectorClock.of(ContextAliases.ACTOR, 1));
        assertThat(served.heads()).isEqualTo(70);
        assertThat(f.store().replay(T, ReplayOptions.verify()).changed()).isEmpty();
        assertThat(pushOne(f.store(), update("after", "wide", "note", served.context().increment("z"), "2")))
                .isEqualTo(Outcome.APPLIED);
    }
}
