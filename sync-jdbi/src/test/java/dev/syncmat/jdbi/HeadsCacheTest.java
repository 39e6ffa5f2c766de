package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.OpResult;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The heads cache ({@link HeadsCache}): a push beside many heads, or into an object with aliases,
 * uses what the store read or wrote before only while the database holds exactly that text, and
 * the rows it writes are the ones a store without the cache writes.
 */
class HeadsCacheTest {
    private static final String T = "tenant-hc";
    /** Enough concurrent heads that the stored heads pass the cache's threshold of 4 KiB. */
    private static final int HEADS = 150;

    /** One receive time for every store, so that two databases given the same pushes hold the same rows. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);

    private static SyncStore store(TestDatabases.Database db) {
        return SyncStore.builder(db.jdbi()).clock(CLOCK).build();
    }

    private static SyncStore uncached(TestDatabases.Database db) {
        return SyncStore.builder(db.jdbi()).clock(CLOCK).headsCacheChars(0).build();
    }

    /** HEADS mutually concurrent updates of "o", actor w_i at counter 1. */
    private static List<Op> concurrent() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < HEADS; i++) {
            ops.add(StoreTesting.update("o-w" + i + "-1", "o", "note", VectorClock.of("w" + i, 1), "{\"n\":" + i + "}"));
        }
        return ops;
    }

    /** Actor w_i's next op: supersedes its own head and stands beside the others. */
    private static Op beside(int i, long counter, String payload) {
        return StoreTesting.update("o-w" + i + "-" + counter, "o", "note", VectorClock.of("w" + i, counter), payload);
    }

    /** The object as the reference model materializes {@code ops}. */
    private static MaterializedObject model(List<Op> ops, String objectId) {
        Materializer m = StoreTesting.materialize(ops);
        ObjectState s = m.objects().stream().filter(o -> o.objectId().equals(objectId)).findFirst().orElseThrow();
        return MaterializedObject.of(s);
    }

    /** What the store serves of the object, with its full context (aliases expanded) for comparing with the model. */
    private static MaterializedObject served(TestDatabases.Database db, SyncStore store, String objectId) {
        MaterializedObject o = store.get(T, objectId);
        ContextAliases aliases = db.jdbi().withHandle(h -> StoredAliases.ofObject(h, new Sql(Dialect.detect(h), null), T, objectId));
        return new MaterializedObject(o.objectId(), o.objectType(), o.tags(), o.payload(), o.deleted(), o.clock(),
                aliases.expand(o.context()), o.winnerOpId(), o.heads());
    }

    /** The stored other heads of "o", as the row holds them. */
    private static String otherHeads(TestDatabases.Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT other_heads FROM sync_objects WHERE tenant_id = :t AND object_id = 'o'")
                .bind("t", T).mapTo(String.class).one());
    }

    @StoreTesting.OnBothDatabases
    void pushesBesideManyHeadsWriteWhatAStoreWithoutTheCacheWrites(TestDatabases.Kind kind) {
        TestDatabases.Database cachedDb = TestDatabases.create(kind);
        TestDatabases.Database plainDb = TestDatabases.create(kind);
        SyncStore cached = store(cachedDb);
        SyncStore plain = uncached(plainDb);
        cached.migrate();
        plain.migrate();
        List<Op> all = new ArrayList<>(concurrent());
        cached.push(T, all);
        plain.push(T, all);
        for (int k = 0; k < 30; k++) {
            // Payloads that rank anywhere: the merge's search reads some of the heads' payloads.
            Op op = beside((k * 37) % HEADS, 2 + k / HEADS, "{\"n\":" + ((k * 7919) % 1000) + "}");
            all.add(op);
            assertThat(cached.push(T, List.of(op)).results()).extracting(OpResult::outcome)
                    .isEqualTo(plain.push(T, List.of(op)).results().stream().map(OpResult::outcome).toList())
                    .containsExactly(Outcome.MERGED);
        }
        // Every push after the first found the heads the one before it wrote: the text was neither sent nor parsed.
        assertThat(cached.headsCache().headsHits()).isGreaterThanOrEqualTo(30);
        assertThat(cached.headsCache().aliasesHits()).as("150 actors make an alias").isGreaterThanOrEqualTo(30);
        assertThat(plain.headsCache().headsHits() + plain.headsCache().aliasesHits()).isZero();
        // The first push wrote every head with its payload: each search compared kept payloads.
        assertThat(cached.headsCache().payloadHits()).as("payloads kept with the heads").isGreaterThanOrEqualTo(30);
        assertThat(plain.headsCache().payloadHits()).isZero();
        assertThat(GroupTesting.dump(cachedDb, T)).isEqualTo(GroupTesting.dump(plainDb, T));
        assertThat(served(cachedDb, cached, "o")).isEqualTo(model(all, "o"));
        assertThat(cached.replay(T, ReplayOptions.verify()).consistent()).isTrue();
    }

    @StoreTesting.OnBothDatabases
    void headsAnotherStoreChangedAreReadAgain(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore mine = store(db);
        SyncStore other = store(db);
        mine.migrate();
        List<Op> all = new ArrayList<>(concurrent());
        mine.push(T, all);
        Op first = beside(0, 2, "\"a\"");
        mine.push(T, List.of(first));
        all.add(first);
        // Another process supersedes 40 heads with one op: mine's entry no longer matches the row.
        VectorClock seen = VectorClock.of("w0", 2);
        for (int i = 1; i <= 40; i++) {
            seen = seen.merge(VectorClock.of("w" + i, 1));
        }
        Op theirs = StoreTesting.update("theirs", "o", "note", seen.merge(VectorClock.of("x", 1)), "\"b\"");
        other.push(T, List.of(theirs));
        all.add(theirs);
        long hits = mine.headsCache().headsHits();
        Op next = beside(50, 2, "\"c\"");
        assertThat(mine.push(T, List.of(next)).results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED);
        all.add(next);
        assertThat(mine.headsCache().headsHits()).as("the changed heads did not come from the cache").isEqualTo(hits);
        MaterializedObject o = served(db, mine, "o");
        assertThat(o).isEqualTo(model(all, "o"));
        assertThat(o.heads()).isEqualTo(HEADS - 41 + 1);
        assertThat(mine.replay(T, ReplayOptions.verify()).consistent()).isTrue();
    }

    @StoreTesting.OnBothDatabases
    void aliasesAnotherStoreAddedAreReadAgain(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore mine = SyncStore.builder(db.jdbi()).aliasThreshold(3).build();
        SyncStore other = SyncStore.builder(db.jdbi()).aliasThreshold(3).build();
        mine.migrate();
        // Writers a1.. one after another, each from the served context: an alias every few pushes.
        List<Op> all = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            VectorClock context = i == 1 ? VectorClock.empty() : mine.get(T, "p").context();
            Op op = StoreTesting.update("p-" + i, "p", "note", context.merge(VectorClock.of("a" + i, 1)), "{\"i\":" + i + "}");
            mine.push(T, List.of(op));
            all.add(op);
        }
        int aliasesBefore = (int) mine.get(T, "p").context().get(ContextAliases.ACTOR);
        assertThat(aliasesBefore).isPositive();
        // The other store adds aliases mine has not read.
        for (int i = 7; i <= 14; i++) {
            Op op = StoreTesting.update("p-" + i, "p", "note", other.get(T, "p").context().merge(VectorClock.of("b" + i, 1)),
                    "{\"i\":" + i + "}");
            other.push(T, List.of(op));
            all.add(op);
        }
        VectorClock served = other.get(T, "p").context();
        assertThat(served.get(ContextAliases.ACTOR)).isGreaterThan(aliasesBefore);
        // An op naming the newest alias: mine must know it, so it reads the aliases again.
        long hits = mine.headsCache().aliasesHits();
        Op last = StoreTesting.update("p-last", "p", "note", served.merge(VectorClock.of("c", 1)), "\"last\"");
        assertThat(mine.push(T, List.of(last)).results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
        assertThat(mine.headsCache().aliasesHits()).isEqualTo(hits);
        all.add(last);
        MaterializedObject o = served(db, mine, "p");
        MaterializedObject want = model(expandedOps(db, all), "p");
        assertThat(o.heads()).isEqualTo(1);
        assertThat(o.winnerOpId()).isEqualTo("p-last");
        assertThat(o.context()).isEqualTo(want.context());
        assertThat(mine.replay(T, ReplayOptions.verify()).consistent()).isTrue();
    }

    /** The ops with every clock that names an alias expanded, as the model compares them. */
    private static List<Op> expandedOps(TestDatabases.Database db, List<Op> ops) {
        ContextAliases aliases = db.jdbi().withHandle(h -> StoredAliases.ofObject(h, new Sql(Dialect.detect(h), null), T, "p"));
        return ops.stream().map(op -> ContextAliases.namesAlias(op.clock())
                ? op.toBuilder().clock(aliases.expand(op.clock())).build() : op).toList();
    }

    @StoreTesting.OnBothDatabases
    void aPushThatRolledBackLeavesNothingTheNextPushUses(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.migrate();
        List<Op> all = new ArrayList<>(concurrent());
        store.push(T, all);
        // Pushed in the caller's transaction, which then rolls back: the cache saw the row it wrote.
        try (Handle h = db.jdbi().open()) {
            h.begin();
            Op gone = StoreTesting.update("gone", "o", "note", VectorClock.of("w1", 1).merge(VectorClock.of("w2", 1))
                    .merge(VectorClock.of("z", 1)), "\"gone\"");
            assertThat(store.push(h, T, List.of(gone)).results()).extracting(OpResult::outcome)
                    .containsExactly(Outcome.MERGED);
            h.rollback();
        }
        Op next = beside(3, 2, "\"next\"");
        store.push(T, List.of(next));
        all.add(next);
        MaterializedObject o = served(db, store, "o");
        assertThat(o).isEqualTo(model(all, "o"));
        assertThat(o.heads()).isEqualTo(HEADS);
        assertThat(store.replay(T, ReplayOptions.verify()).consistent()).isTrue();
    }

    @StoreTesting.OnBothDatabases
    void aRowEditedByHandIsReadAsItNowIs(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.migrate();
        store.push(T, concurrent());
        store.push(T, List.of(beside(0, 2, "\"a\"")));
        int updated = db.jdbi().withHandle(h -> h.createUpdate(
                "UPDATE sync_objects SET other_heads = '[[\"o-w1-1\"' WHERE tenant_id = :t AND object_id = 'o'")
                .bind("t", T).execute());
        assertThat(updated).isEqualTo(1);
        assertThatThrownBy(() -> store.push(T, List.of(beside(1, 2, "\"b\""))))
                .isInstanceOfSatisfying(CorruptRowException.class, e -> assertThat(e.objectId()).isEqualTo("o"));
    }

    @StoreTesting.OnBothDatabases
    void aJournalPayloadChangedBehindTheStoresBackIsFoundByTheMergeThatReadsIt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = uncached(db);
        store.migrate();
        store.push(T, concurrent());
        // Same op ids, other payloads: what a restored journal and a client that reused its op ids could leave.
        int changed = db.jdbi().withHandle(h -> h.createUpdate(
                "UPDATE sync_journal SET payload = '{\"n\":-1}' WHERE tenant_id = :t AND op_id <> 'o-w149-1'")
                .bind("t", T).execute());
        assertThat(changed).isEqualTo(HEADS - 1);
        assertThatThrownBy(() -> store.push(T, List.of(beside(3, 2, "{\"n\":75}"))))
                .isInstanceOfSatisfying(CorruptRowException.class, e -> assertThat(e.objectId()).isEqualTo("o"))
                .hasMessageContaining("holds another payload than the one the head was merged with");
        assertThat(store.replay(T, ReplayOptions.verify()).changed()).containsExactly("o");
    }

    @StoreTesting.OnBothDatabases
    void headsWrittenWithoutDigestsAreReadFromTheJournal(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.migrate();
        List<Op> all = new ArrayList<>(concurrent());
        store.push(T, all);
        // The form of heads before digests were kept: the same arrays without their last string.
        String heads = otherHeads(db);
        String old = heads.replaceAll(",\"#[A-Za-z0-9_-]{11}\"]", "]");
        assertThat(old).doesNotContain("\"#").hasSizeLessThan(heads.length() - 14 * (HEADS - 2));
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE sync_objects SET other_heads = :heads WHERE tenant_id = :t AND object_id = 'o'")
                .bind("heads", old).bind("t", T).execute());
        SyncStore fresh = store(db);
        for (int k = 0; k < 5; k++) {
            Op op = beside(k * 31, 2, "{\"n\":" + (k * 40 + 3) + "}");
            all.add(op);
            assertThat(fresh.push(T, List.of(op)).results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED);
        }
        assertThat(served(db, fresh, "o")).isEqualTo(model(all, "o"));
        assertThat(fresh.replay(T, ReplayOptions.verify()).consistent()).isTrue();
        // The heads left as they were are still without digests; the new ones have theirs.
        String now = otherHeads(db);
        String at = "\"2026-11-24T10:00:00Z\"";
        assertThat(now).contains("[\"o-w2-1\",\"note\",\"update\",{\"w2\":1},[]," + at + "]")
                .contains("[\"o-w31-2\",\"note\",\"update\",{\"w31\":2},[]," + at + ",\"#");
    }

    @Test
    void theBoundIsChecked() {
        TestDatabases.Database db = TestDatabases.h2();
        assertThatThrownBy(() -> SyncStore.builder(db.jdbi()).headsCacheChars(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headsCacheChars");
        assertThat(SyncStore.builder(db.jdbi()).build().options().headsCacheChars())
                .isEqualTo(StoreOptions.DEFAULT_HEADS_CACHE_CHARS);
    }

    @Test
    void anEntryPastTheBoundIsNotKept() {
        // A bound smaller than one object's heads keeps nothing of it (Caffeine evicts what outweighs the bound).
        TestDatabases.Database db = TestDatabases.h2();
        SyncStore store = SyncStore.builder(db.jdbi()).headsCacheChars(1000).build();
        store.migrate();
        store.push(T, concurrent());
        for (int k = 0; k < 5; k++) {
            store.push(T, List.of(beside(k, 2, "\"x\"")));
        }
        assertThat(store.headsCache().size()).isZero();
        assertThat(store.get(T, "o").heads()).isEqualTo(HEADS);
    }
}
