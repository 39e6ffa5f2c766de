package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.protocol.PullRequest;

import java.util.ArrayList;
import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cursors are bound to the history that issued them: a cursor from another database, or from this
 * one before it was restored to an earlier point, is {@code cursor_expired}, never a silently short
 * page; a cursor from within the history that survived stays good.
 */
class CursorHistoryTest {
    private static final String T = "tenant-h";

    /** One change per op: object o-i at version v. */
    private static List<Op> changes(int from, int to, String prefix) {
        List<Op> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ops.add(update(prefix + i, "o-" + i, "note", VectorClock.of("a", 1), "\"" + prefix + i + "\""));
        }
        return ops;
    }

    private static SyncStore store(TestDatabases.Database db) {
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        return store;
    }

    private static void assertExpired(SyncStore store, String cursor) {
        assertThatThrownBy(() -> store.pull(T, PullRequest.since(cursor)))
                .isInstanceOfSatisfying(InvalidCursorException.class, e -> {
                    assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.EXPIRED);
                    assertThat(e.code()).isEqualTo("cursor_expired");
                    assertThat(e.field()).isEqualTo("sinceCursor");
                    assertThat(e.getMessage()).contains("pull from null");
                });
    }

    @StoreTesting.OnBothDatabases
    void aCursorFromADatabaseThatWasRecreatedHasExpired(TestDatabases.Kind kind) {
        SyncStore first = store(TestDatabases.create(kind));
        first.push(T, changes(0, 10, "c"));
        String cursor = first.headCursor(T);
        first.push(T, changes(10, 20, "c"));

        // The database is recreated and the same ops pushed again, in the same order: the journal
        // holds the same op at the cursor's position, only the tenant's epoch tells the lives apart.
        SyncStore second = store(TestDatabases.create(kind));
        second.push(T, changes(0, 10, "c"));
        second.push(T, changes(10, 20, "c"));
        assertExpired(second, cursor);
        assertThat(StoreTesting.pullAll(second, T, PullRequest.initial()).ids()).hasSize(20);
    }

    @StoreTesting.OnBothDatabases
    void aCursorFromBeforeARestoreToAnEarlierPointHasExpiredAndOneFromWithinTheRestoredHistoryIsGood(
            TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.push(T, changes(0, 10, "c"));
        String early = store.headCursor(T);
        store.push(T, changes(10, 20, "c"));
        // The dump: a copy of every table at head 20.
        db.jdbi().useHandle(h -> {
            for (String table : StoreTesting.TABLES) {
                h.execute("CREATE TABLE dump_" + table + " AS SELECT * FROM " + table);
            }
        });
        store.push(T, changes(20, 30, "c"));
        String late = store.headCursor(T);
        MaterializedObject lost = store.get(T, "o-25");

        // Restored from the dump, then 15 other changes: the head passes the late cursor again.
        db.jdbi().useHandle(h -> {
            for (String table : StoreTesting.TABLES) {
                h.execute("DELETE FROM " + table);
                h.execute("INSERT INTO " + table + " SELECT * FROM dump_" + table);
            }
        });
        store.push(T, changes(100, 115, "n"));
        assertThat(StoreTesting.seqOf(store.headCursor(T))).isGreaterThan(StoreTesting.seqOf(late));
        assertExpired(store, late);
        assertThat(store.find(T, lost.objectId())).isEmpty();

        // The early cursor lies inside the history the restore kept: it gets exactly what came after.
        List<String> ids = StoreTesting.pullAll(store, T, PullRequest.since(early)).ids();
        assertThat(ids).hasSize(25).contains("o-10", "o-19", "o-100", "o-114").doesNotContain("o-25");
    }

    @StoreTesting.OnBothDatabases
    void aCursorFromARestoreBeforeTheHeadCameBackHasExpiredToo(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db);
        store.push(T, changes(0, 10, "c"));
        db.jdbi().useHandle(h -> {
            for (String table : StoreTesting.TABLES) {
                h.execute("CREATE TABLE dump_" + table + " AS SELECT * FROM " + table);
            }
        });
        store.push(T, changes(10, 20, "c"));
        String late = store.headCursor(T);
        db.jdbi().useHandle(h -> {
            for (String table : StoreTesting.TABLES) {
                h.execute("DELETE FROM " + table);
                h.execute("INSERT INTO " + table + " SELECT * FROM dump_" + table);
            }
        });
        // Before any new push the late cursor points past the restored head.
        assertExpired(store, late);
        // A cursor at change 0 has seen nothing, so it is always good.
        assertThat(store.pull(T, PullRequest.since(StoreTesting.withSeq(late, 0))).objects()).hasSize(10);
    }
}
