package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.CompetingHead;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.Scope;

import java.util.ArrayList;
import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object's heads other than the winner are kept by reference: the object row holds them without
 * payloads, which are read from their journal rows, so the row's size does not depend on the
 * payloads, and rows written with payloads inline (before 0.1.0) still read and merge the same.
 */
class HeadsByReferenceTest {
    private static final int HEADS = 20;

    /** HEADS mutually concurrent updates of "o", each from its own actor, with payloads of {@code size} characters. */
    private static List<Op> concurrent(int size) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < HEADS; i++) {
            ops.add(update("op-" + i, "o", "note", VectorClock.of("w" + i, 1),
                    "{\"body\":\"" + Character.toString('a' + i).repeat(size) + "\"}", "work"));
        }
        return ops;
    }

    private static long otherHeadsBytes(TestDatabases.Database db, String tenant) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT OCTET_LENGTH(other_heads) FROM sync_objects WHERE tenant_id = :t AND object_id = 'o'")
                .bind("t", tenant).mapTo(Long.class).one());
    }

    @StoreTesting.OnBothDatabases
    void theObjectRowDoesNotGrowWithTheHeadsPayloads(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        store.push("small", concurrent(10));
        store.push("large", concurrent(64 * 1024));

        long small = otherHeadsBytes(db, "small");
        long large = otherHeadsBytes(db, "large");
        assertThat(large).as("other heads of 19 payloads of 64 KiB").isEqualTo(small);
        // Op id, type, kind, a one-actor clock and one tag: about 120 bytes a head, not 64 KiB.
        assertThat(large).isLessThan(150L * (HEADS - 1));
        assertThat(store.get("large", "o").heads()).isEqualTo(HEADS);
    }

    @StoreTesting.OnBothDatabases
    void competingHeadsAreServedWithTheirPayloadsFromTheJournal(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        List<Op> ops = concurrent(1000);
        store.push("t", ops);
        Materializer m = StoreTesting.materialize(ops);
        ObjectState want = m.objects().iterator().next();
        List<CompetingHead> expected = new ArrayList<>();
        for (Op head : want.heads()) {
            if (!head.opId().equals(want.winnerOpId())) {
                expected.add(CompetingHead.of(head));
            }
        }
        for (Scope scope : List.of(Scope.all(), Scope.tags("work"))) {
            PullResponse page = store.pull("t", new PullRequest(null, scope, 10, true));
            assertThat(page.otherHeads().get("o")).as("other heads pulled with %s", scope).isEqualTo(expected);
        }
    }

    @StoreTesting.OnBothDatabases
    void aRowWithPayloadsInlineReadsMergesAndVerifiesAsBefore(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        Op a = update("a", "o", "note", VectorClock.of("x", 1), "{\"v\":\"a\"}");
        Op b = update("b", "o", "note", VectorClock.of("y", 1), "{\"v\":\"b\"}");
        store.push("t", List.of(a, b));
        // The form rows had before 0.1.0: the other head ("a" loses to "b" by payload) with its
        // payload inline as a JSON string of its canonical text.
        String legacy = "[{\"opId\":\"a\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"x\":1},"
                + "\"payload\":\"{\\\"v\\\":\\\"a\\\"}\",\"tags\":[]}]";
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE sync_objects SET other_heads = :heads WHERE tenant_id = 't' AND object_id = 'o'")
                .bind("heads", legacy).execute());
        // The journal row of "a" is gone too: an inline payload must not be looked up.
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE sync_journal SET payload = '\"elsewhere\"' WHERE tenant_id = 't' AND op_id = 'a'")
                .execute());

        PullResponse page = store.pull("t", new PullRequest(null, Scope.all(), 10, true));
        assertThat(page.otherHeads().get("o")).containsExactly(CompetingHead.of(a));
        Op c = update("c", "o", "note", VectorClock.of("z", 1), "{\"v\":\"0\"}");
        store.push("t", List.of(c));
        MaterializedObject o = store.get("t", "o");
        assertThat(o.heads()).isEqualTo(3);
        assertThat(o.winnerOpId()).isEqualTo("b");
        // The push rewrote the row by reference: "a" now comes from its (altered) journal row.
        assertThat(store.pull("t", new PullRequest(null, Scope.all(), 10, true)).otherHeads().get("o"))
                .extracting(CompetingHead::opId).containsExactly("a", "c");
    }

    @StoreTesting.OnBothDatabases
    void aHeadWhoseJournalRowIsMissingMakesTheObjectUnreadableUntilRebuilt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        store.push("t", concurrent(5));
        // Behind the store's back: the journal row of a non-winning head disappears.
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM sync_journal WHERE tenant_id = 't' AND op_id = 'op-0'").execute());

        ReplayReport verify = store.replay("t", ReplayOptions.verify());
        assertThat(verify.changed()).containsExactly("o");
        store.replay("t", ReplayOptions.rebuild());
        assertThat(store.get("t", "o").heads()).isEqualTo(HEADS - 1);
        assertThat(store.replay("t", ReplayOptions.verify()).changed()).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void aRebuildRewritesEveryHeadAndDoesNotCopyATamperedOne(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        store.push("t", concurrent(10));
        // Behind the store's back: one stored head gets another clock.
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE sync_objects SET other_heads = REPLACE(other_heads, "
                + "'\"op-3\",\"note\",\"update\",{\"w3\":1}', '\"op-3\",\"note\",\"update\",{\"w3\":7}') "
                + "WHERE tenant_id = 't' AND object_id = 'o'").execute());
        assertThat(store.replay("t", ReplayOptions.verify()).changed()).containsExactly("o");
        store.replay("t", ReplayOptions.rebuild());
        assertThat(store.replay("t", ReplayOptions.verify()).changed()).isEmpty();
        String heads = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT other_heads FROM sync_objects WHERE tenant_id = 't' AND object_id = 'o'").mapTo(String.class).one());
        assertThat(heads).contains("{\"w3\":1}").doesNotContain("{\"w3\":7}");
    }
}
