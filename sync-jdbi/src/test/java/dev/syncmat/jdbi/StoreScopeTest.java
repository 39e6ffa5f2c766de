package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;

import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pull scopes: each non-empty list restricts (AND across lists), any of the tags matches, and type
 * and tags are the winner's, so tombstones match by their delete op's type and tags.
 */
class StoreScopeTest {
    private static final String T = "tenant-1";

    /**
     * The data set, pushed in this order (so this is also the change order):
     * <ul>
     *   <li>n1: note [inbox, work]</li>
     *   <li>n2: note [inbox]</li>
     *   <li>t1: task [work]</li>
     *   <li>t2: task, no tags</li>
     *   <li>d1: created as a draft [inbox], then deleted by a "note" delete tagged [trash]</li>
     *   <li>n3: note [inbox, work], then edited to [work]: it loses inbox</li>
     *   <li>c1: two concurrent heads, "zzz" [red] beats "aaa" [blue]</li>
     * </ul>
     */
    private static StoreTesting.Fixture dataSet(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, List.of(
                update("n1-1", "n1", "note", VectorClock.of("a", 1), "1", "inbox", "work"),
                update("n2-1", "n2", "note", VectorClock.of("a", 1), "2", "inbox"),
                update("t1-1", "t1", "task", VectorClock.of("a", 1), "3", "work"),
                update("t2-1", "t2", "task", VectorClock.of("a", 1), "4")));
        f.store().push(T, List.of(update("d1-1", "d1", "draft", VectorClock.of("a", 1), "5", "inbox")));
        f.store().push(T, List.of(delete("d1-2", "d1", "note", VectorClock.of("a", 2), "trash")));
        f.store().push(T, List.of(update("n3-1", "n3", "note", VectorClock.of("a", 1), "6", "inbox", "work")));
        f.store().push(T, List.of(update("n3-2", "n3", "note", VectorClock.of("a", 2), "7", "work")));
        PushResult c = f.store().push(T, List.of(
                update("c1-x", "c1", "note", VectorClock.of("x", 1), "\"zzz\"", "red"),
                update("c1-y", "c1", "note", VectorClock.of("y", 1), "\"aaa\"", "blue")));
        assertThat(c.results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED, Outcome.MERGED);
        return f;
    }

    private static List<String> ids(StoreTesting.Fixture f, Scope scope) {
        return StoreTesting.pullAll(f.store(), T, PullRequest.initial().withScope(scope)).ids();
    }

    @StoreTesting.OnBothDatabases
    void eachListRestrictsOnItsOwn(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        assertThat(ids(f, Scope.all())).containsExactly("n1", "n2", "t1", "t2", "d1", "n3", "c1");
        assertThat(ids(f, new Scope(null, null, null))).containsExactly("n1", "n2", "t1", "t2", "d1", "n3", "c1");
        assertThat(ids(f, Scope.types("task"))).containsExactly("t1", "t2");
        assertThat(ids(f, Scope.types("note", "task"))).containsExactly("n1", "n2", "t1", "t2", "d1", "n3", "c1");
        assertThat(ids(f, Scope.types("nothing"))).isEmpty();
        assertThat(ids(f, Scope.ids("t2", "n1", "unknown"))).containsExactly("n1", "t2");
        assertThat(ids(f, Scope.tags("work"))).containsExactly("n1", "t1", "n3");
        assertThat(ids(f, Scope.tags("inbox", "work"))).containsExactly("n1", "n2", "t1", "n3");
    }

    @StoreTesting.OnBothDatabases
    void listsCombineWithAnd(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        assertThat(ids(f, new Scope(List.of("note"), null, List.of("work")))).containsExactly("n1", "n3");
        assertThat(ids(f, new Scope(List.of("task"), null, List.of("inbox")))).isEmpty();
        assertThat(ids(f, new Scope(null, List.of("n1", "n2", "t1"), List.of("work")))).containsExactly("n1", "t1");
        assertThat(ids(f, new Scope(List.of("note"), List.of("n1", "t1", "n2"), null))).containsExactly("n1", "n2");
        assertThat(ids(f, new Scope(List.of("note", "task"), List.of("n1", "n2", "t1", "t2"), List.of("work", "inbox"))))
                .containsExactly("n1", "n2", "t1");
        assertThat(ids(f, new Scope(List.of("task"), List.of("t2"), List.of("work")))).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void anObjectWhoseWinnerLostATagNoLongerMatchesIt(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        assertThat(ids(f, Scope.tags("inbox"))).doesNotContain("n3").contains("n1", "n2");
        assertThat(ids(f, Scope.tags("work"))).contains("n3");
        // Losing every tag removes it from every tag scope.
        f.store().push(T, List.of(update("n3-3", "n3", "note", VectorClock.of("a", 3), "8")));
        assertThat(ids(f, Scope.tags("work", "inbox"))).containsExactly("n1", "n2", "t1");
        assertThat(f.store().get(T, "n3").tags()).isEmpty();
        assertThat(f.db().count("sync_object_tags", T)).isEqualTo(2 + 1 + 1 + 1 + 1); // n1 x2, n2, t1, d1, c1
    }

    @StoreTesting.OnBothDatabases
    void concurrentHeadsMatchByTheCurrentWinnersTags(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        assertThat(ids(f, Scope.tags("red"))).containsExactly("c1");
        assertThat(ids(f, Scope.tags("blue"))).isEmpty();
        // A third concurrent head with a greater payload takes over, and with it its tags.
        PushResult r = f.store().push(T, List.of(update("c1-z", "c1", "task", VectorClock.of("z", 1), "\"zzzz\"", "blue")));
        assertThat(r.results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED);
        assertThat(ids(f, Scope.tags("red"))).isEmpty();
        assertThat(ids(f, Scope.tags("blue"))).containsExactly("c1");
        assertThat(ids(f, Scope.types("task"))).containsExactly("t1", "t2", "c1");
        MaterializedObject c1 = f.store().get(T, "c1");
        assertThat(c1.heads()).isEqualTo(3);
        assertThat(c1.winnerOpId()).isEqualTo("c1-z");
    }

    @StoreTesting.OnBothDatabases
    void tombstonesAreMatchedByTheirDeleteOpsTypeAndTags(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        List<MaterializedObject> trash = f.store().pull(T, PullRequest.initial().withScope(Scope.tags("trash"))).objects();
        assertThat(trash).extracting(MaterializedObject::objectId).containsExactly("d1");
        assertThat(trash.get(0).deleted()).isTrue();
        assertThat(trash.get(0).objectType()).isEqualTo("note");
        assertThat(ids(f, Scope.types("draft"))).isEmpty();
        assertThat(ids(f, Scope.tags("inbox"))).doesNotContain("d1");
        assertThat(ids(f, new Scope(List.of("note"), List.of("d1"), List.of("trash")))).containsExactly("d1");
    }

    @StoreTesting.OnBothDatabases
    void scopedPullsPageAndResumeByCursor(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = dataSet(kind);
        PullRequest notes = PullRequest.initial().withScope(Scope.types("note")).withLimit(2);
        StoreTesting.Pulled pulled = StoreTesting.pullAll(f.store(), T, notes);
        assertThat(pulled.ids()).containsExactly("n1", "n2", "d1", "n3", "c1");
        assertThat(pulled.pages()).hasSize(3);

        // A change outside the scope moves nothing into it; one inside does.
        f.store().push(T, List.of(update("t1-2", "t1", "task", VectorClock.of("a", 2), "9", "work")));
        PullResponse none = f.store().pull(T, notes.withCursor(pulled.cursor()));
        assertThat(none.objects()).isEmpty();
        assertThat(none.hasMore()).isFalse();
        f.store().push(T, List.of(update("n2-2", "n2", "note", VectorClock.of("a", 2), "10", "inbox")));
        PullResponse one = f.store().pull(T, notes.withCursor(none.serverCursor()));
        assertThat(one.objects()).extracting(MaterializedObject::winnerOpId).containsExactly("n2-2");
        // The unscoped pull from the first cursor sees both changes, in order.
        assertThat(StoreTesting.pullAll(f.store(), T, PullRequest.since(pulled.cursor())).ids()).containsExactly("t1", "n2");
    }
}
