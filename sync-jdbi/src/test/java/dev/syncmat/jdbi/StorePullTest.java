package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;

/** Pull v2: incremental pulls by cursor, change order, paging and page sizes. */
class StorePullTest {
    private static final String T = "tenant-1";

    /** Objects o-00..o-(n-1), each created by its own op "c-i" at clock {c: 1}. */
    private static List<Op> creates(int n) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(update(String.format("c-%02d", i), String.format("o-%02d", i), "note", VectorClock.of("c", 1),
                    "{\"n\":" + i + "}"));
        }
        return ops;
    }

    private static Op edit(String opId, int object, long counter, String payload) {
        return update(opId, String.format("o-%02d", object), "note", VectorClock.of("c", counter), payload);
    }

    @StoreTesting.OnBothDatabases
    void aPullAfterAFullSyncReturnsExactlyTheChangedObjectsInChangeOrder(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, creates(20));
        StoreTesting.Pulled first = StoreTesting.pullAll(f.store(), T, PullRequest.initial().withLimit(6));
        assertThat(first.ids()).hasSize(20).isSortedAccordingTo(String::compareTo);

        // o-05 changes first, then o-03 and o-09, then o-05 again (twice in one batch): change order
        // is the order of each object's last change.
        f.store().push(T, List.of(edit("e1", 5, 2, "\"five-a\"")));
        f.store().push(T, List.of(edit("e2", 3, 2, "\"three\"")));
        f.store().push(T, List.of(edit("e3", 9, 2, "\"nine\"")));
        f.store().push(T, List.of(edit("e4", 5, 3, "\"five-b\""), edit("e5", 5, 4, "\"five-c\"")));

        PullResponse page1 = f.store().pull(T, PullRequest.since(first.cursor()).withLimit(2));
        assertThat(page1.objects()).extracting(MaterializedObject::objectId).containsExactly("o-03", "o-09");
        assertThat(page1.hasMore()).isTrue();
        PullResponse page2 = f.store().pull(T, PullRequest.since(page1.serverCursor()).withLimit(2));
        assertThat(page2.objects()).extracting(MaterializedObject::objectId).containsExactly("o-05");
        assertThat(page2.objects().get(0).payload().json()).isEqualTo("\"five-c\"");
        assertThat(page2.objects().get(0).winnerOpId()).isEqualTo("e5");
        assertThat(page2.hasMore()).isFalse();
        assertThat(page1.objects().get(0).payload().json()).isEqualTo("\"three\"");
        assertThat(page1.objects().get(1).payload().json()).isEqualTo("\"nine\"");

        PullResponse page3 = f.store().pull(T, PullRequest.since(page2.serverCursor()).withLimit(2));
        assertThat(page3.objects()).isEmpty();
        assertThat(page3.hasMore()).isFalse();

        // Within one batch too, an object takes its place at its last change.
        f.store().push(T, List.of(edit("e6", 7, 2, "\"seven-a\""), edit("e7", 1, 2, "\"one\""),
                edit("e8", 7, 3, "\"seven-b\""), edit("e9", 2, 2, "\"two\"")));
        PullResponse batch = f.store().pull(T, PullRequest.since(page3.serverCursor()));
        assertThat(batch.objects()).extracting(MaterializedObject::winnerOpId).containsExactly("e7", "e8", "e9");
    }

    @StoreTesting.OnBothDatabases
    void aFullPageWithNothingAfterItSaysNoMore(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, creates(6));
        PullResponse exact = f.store().pull(T, PullRequest.initial().withLimit(6));
        assertThat(exact.objects()).hasSize(6);
        assertThat(exact.hasMore()).isFalse();
        assertThat(exact.serverCursor()).isEqualTo(f.store().headCursor(T));

        PullResponse one = f.store().pull(T, PullRequest.initial().withLimit(5));
        assertThat(one.objects()).hasSize(5);
        assertThat(one.hasMore()).isTrue();
        PullResponse rest = f.store().pull(T, PullRequest.since(one.serverCursor()).withLimit(5));
        assertThat(rest.objects()).extracting(MaterializedObject::objectId).containsExactly("o-05");
        assertThat(rest.hasMore()).isFalse();
    }

    @StoreTesting.OnBothDatabases
    void anEmptyPullKeepsTheCursorPositionAndLaterChangesFollowIt(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        PullResponse none = f.store().pull(T, PullRequest.initial());
        assertThat(none.objects()).isEmpty();
        assertThat(none.hasMore()).isFalse();
        assertThat(none.serverCursor()).isEqualTo(f.store().headCursor(T));
        PullResponse stillNone = f.store().pull(T, PullRequest.since(none.serverCursor()));
        assertThat(stillNone.objects()).isEmpty();
        assertThat(stillNone.serverCursor()).isEqualTo(none.serverCursor());

        f.store().push(T, creates(3));
        StoreTesting.Pulled all = StoreTesting.pullAll(f.store(), T, PullRequest.since(none.serverCursor()));
        assertThat(all.ids()).containsExactly("o-00", "o-01", "o-02");

        PullResponse empty = f.store().pull(T, PullRequest.since(all.cursor()));
        assertThat(empty.objects()).isEmpty();
        assertThat(empty.hasMore()).isFalse();
        assertThat(empty.serverCursor()).isEqualTo(all.cursor());
        f.store().push(T, List.of(edit("e1", 1, 2, "\"x\"")));
        assertThat(f.store().pull(T, PullRequest.since(empty.serverCursor())).objects())
                .extracting(MaterializedObject::objectId).containsExactly("o-01");
    }

    @StoreTesting.OnBothDatabases
    void staleAndDuplicatePushesProduceNoChanges(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, creates(3));
        f.store().push(T, List.of(edit("e1", 1, 5, "\"five\"")));
        String cursor = f.store().pull(T, PullRequest.initial()).serverCursor();
        String head = f.store().headCursor(T);

        Op stale = edit("old", 1, 3, "\"three\"");
        PushResult r = f.store().push(T, List.of(stale, edit("e1", 1, 5, "\"five\""), creates(3).get(2)));
        assertThat(r.results()).containsExactly(new OpResult("old", Outcome.STALE), new OpResult("e1", Outcome.DUPLICATE),
                new OpResult("c-02", Outcome.DUPLICATE));
        // No change: the cursors point at the same change (they differ in the journal position they name).
        assertThat(StoreTesting.seqOf(r.serverCursor())).isEqualTo(StoreTesting.seqOf(head));
        assertThat(StoreTesting.seqOf(f.store().headCursor(T))).isEqualTo(StoreTesting.seqOf(head));
        assertThat(f.store().pull(T, PullRequest.since(head)).objects()).isEmpty();
        assertThat(f.store().pull(T, PullRequest.since(cursor)).objects()).isEmpty();
        // The stale op is journaled all the same; the duplicates are not.
        assertThat(f.db().count("sync_journal", T)).isEqualTo(5);
        assertThat(f.store().get(T, "o-01").payload().json()).isEqualTo("\"five\"");
    }

    @StoreTesting.OnBothDatabases
    void tombstonesArePulledAndAResurrectionIsPulledAgain(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, creates(2));
        String cursor = f.store().pull(T, PullRequest.initial()).serverCursor();
        f.store().push(T, List.of(delete("d1", "o-00", "note", VectorClock.of("c", 2))));

        PullResponse afterDelete = f.store().pull(T, PullRequest.since(cursor));
        assertThat(afterDelete.objects()).hasSize(1);
        MaterializedObject tomb = afterDelete.objects().get(0);
        assertThat(tomb.objectId()).isEqualTo("o-00");
        assertThat(tomb.deleted()).isTrue();
        assertThat(tomb.payload()).isNull();
        assertThat(tomb.winnerOpId()).isEqualTo("d1");
        assertThat(tomb.clock()).isEqualTo(VectorClock.of("c", 2));

        f.store().push(T, List.of(edit("r1", 0, 3, "\"back\"")));
        PullResponse afterResurrection = f.store().pull(T, PullRequest.since(afterDelete.serverCursor()));
        assertThat(afterResurrection.objects()).hasSize(1);
        assertThat(afterResurrection.objects().get(0).deleted()).isFalse();
        assertThat(afterResurrection.objects().get(0).payload().json()).isEqualTo("\"back\"");
    }

    @StoreTesting.OnBothDatabases
    void theDefaultPageIs500AndAPageMayHold1000(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            ops.add(update("c-" + i, String.format("o-%04d", i), "note", VectorClock.of("c", 1), "1"));
        }
        f.store().push(T, ops.subList(0, 1000));
        f.store().push(T, ops.subList(1000, 1001));

        PullResponse byDefault = f.store().pull(T, PullRequest.initial());
        assertThat(byDefault.objects()).hasSize(500);
        assertThat(byDefault.hasMore()).isTrue();
        assertThat(byDefault.objects().get(499).objectId()).isEqualTo("o-0499");

        PullResponse max = f.store().pull(T, PullRequest.initial().withLimit(1000));
        assertThat(max.objects()).hasSize(1000);
        assertThat(max.hasMore()).isTrue();
        PullResponse last = f.store().pull(T, PullRequest.since(max.serverCursor()).withLimit(1000));
        assertThat(last.objects()).extracting(MaterializedObject::objectId).containsExactly("o-1000");
        assertThat(last.hasMore()).isFalse();
    }

    @StoreTesting.OnBothDatabases
    void aPushCursorMarksTheHeadButPullsStillSeeOtherClientsChanges(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, creates(2));
        String clientCursor = f.store().pull(T, PullRequest.initial()).serverCursor();
        f.store().push(T, List.of(edit("other-client", 0, 2, "\"theirs\"")));
        PushResult mine = f.store().push(T, List.of(edit("mine", 1, 2, "\"mine\"")));
        assertThat(mine.serverCursor()).isEqualTo(f.store().headCursor(T));
        assertThat(f.store().pull(T, PullRequest.since(mine.serverCursor())).objects()).isEmpty();
        assertThat(f.store().pull(T, PullRequest.since(clientCursor)).objects()).extracting(MaterializedObject::winnerOpId)
                .containsExactly("other-client", "mine");
    }
}
