package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;

import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Two tenants with the same object ids and op ids never see each other's data or cursors. */
class StoreTenantIsolationTest {
    private static final String A = "tenant-a";
    private static final String B = "tenant-b";

    @StoreTesting.OnBothDatabases
    void historiesWithTheSameIdsStaySeparate(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        CausalHistory a = CausalHistories.defaults().replicas(4).objects(12).steps(400).generate(11);
        CausalHistory b = CausalHistories.defaults().replicas(4).objects(12).steps(400).generate(12);
        Set<String> sharedOpIds = new HashSet<>();
        a.ops().forEach(op -> sharedOpIds.add(op.opId()));
        sharedOpIds.retainAll(b.ops().stream().map(Op::opId).toList());
        assertThat(sharedOpIds).as("op ids used by both tenants").hasSizeGreaterThan(100);

        // Interleave the tenants' pushes so that any leak between them would show.
        for (int i = 0; i < Math.max(a.ops().size(), b.ops().size()); i += 25) {
            if (i < a.ops().size()) {
                f.store().push(A, a.ops().subList(i, Math.min(a.ops().size(), i + 25)));
            }
            if (i < b.ops().size()) {
                PushResult r = f.store().push(B, b.ops().subList(i, Math.min(b.ops().size(), i + 25)));
                assertThat(r.results()).extracting(OpResult::outcome).doesNotContain(Outcome.DUPLICATE);
            }
        }

        Materializer wantA = StoreTesting.materialize(a.ops());
        Materializer wantB = StoreTesting.materialize(b.ops());
        assertThat(StoreTesting.expected(wantA)).isNotEqualTo(StoreTesting.expected(wantB));
        assertThat(StoreTesting.pullAll(f.store(), A, PullRequest.initial().withLimit(7)).byId())
                .isEqualTo(StoreTesting.expected(wantA));
        assertThat(StoreTesting.pullAll(f.store(), B, PullRequest.initial().withLimit(7)).byId())
                .isEqualTo(StoreTesting.expected(wantB));
        for (MaterializedObject o : StoreTesting.expected(wantA).values()) {
            assertThat(f.store().find(A, o.objectId())).contains(o);
        }
        assertThat(f.db().count("sync_journal", A)).isEqualTo(a.ops().size());
        assertThat(f.db().count("sync_journal", B)).isEqualTo(b.ops().size());
    }

    @StoreTesting.OnBothDatabases
    void theSameOpInTwoTenantsIsAppliedInBothAndIsNotADuplicate(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        Op op = update("op-1", "doc", "note", VectorClock.of("c1", 1), "{\"v\":1}", "inbox");
        Op other = update("op-1", "doc", "task", VectorClock.of("c9", 4), "{\"v\":\"b\"}", "work");

        assertThat(f.store().push(A, List.of(op)).results()).containsExactly(new OpResult("op-1", Outcome.APPLIED));
        assertThat(f.store().push(B, List.of(op)).results()).containsExactly(new OpResult("op-1", Outcome.APPLIED));
        // An op id taken in tenant A is free in tenant C, even with other content.
        assertThat(f.store().push("tenant-c", List.of(other)).results()).containsExactly(new OpResult("op-1", Outcome.APPLIED));
        assertThat(f.store().push(A, List.of(op)).results()).containsExactly(new OpResult("op-1", Outcome.DUPLICATE));

        assertThat(f.store().get("tenant-c", "doc").objectType()).isEqualTo("task");
        assertThat(f.store().get(A, "doc").objectType()).isEqualTo("note");
        assertThat(f.db().count("sync_journal")).isEqualTo(3);
        assertThat(f.db().count("sync_objects")).isEqualTo(3);
    }

    @StoreTesting.OnBothDatabases
    void deletingInOneTenantLeavesTheOtherAlone(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(A, List.of(update("a1", "doc", "note", VectorClock.of("c1", 1), "\"a\"", "inbox")));
        f.store().push(B, List.of(update("b1", "doc", "note", VectorClock.of("c1", 1), "\"b\"", "inbox")));
        f.store().push(A, List.of(delete("a2", "doc", "note", VectorClock.of("c1", 2), "trash")));

        assertThat(f.store().get(A, "doc").deleted()).isTrue();
        MaterializedObject inB = f.store().get(B, "doc");
        assertThat(inB.deleted()).isFalse();
        assertThat(inB.payload().json()).isEqualTo("\"b\"");
        assertThat(inB.tags()).containsExactly("inbox");
    }

    @StoreTesting.OnBothDatabases
    void scopedPullsDoNotSeeTheOtherTenantsTagsTypesOrIds(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(A, List.of(update("op-1", "doc", "secret", VectorClock.of("c1", 1), "\"a\"", "private")));
        f.store().push(B, List.of(update("op-1", "doc", "note", VectorClock.of("c1", 1), "\"b\"", "inbox"),
                update("op-2", "other", "note", VectorClock.of("c1", 1), "\"b\"")));

        assertThat(f.store().pull(B, PullRequest.initial().withScope(Scope.tags("private"))).objects()).isEmpty();
        assertThat(f.store().pull(B, PullRequest.initial().withScope(Scope.types("secret"))).objects()).isEmpty();
        List<MaterializedObject> byId = f.store().pull(B, PullRequest.initial().withScope(Scope.ids("doc"))).objects();
        assertThat(byId).extracting(MaterializedObject::tags).containsExactly(List.of("inbox"));
        assertThat(f.store().pull(A, PullRequest.initial().withScope(Scope.tags("inbox"))).objects()).isEmpty();
        assertThat(f.store().pull(A, PullRequest.initial()).objects()).extracting(MaterializedObject::objectType)
                .containsExactly("secret");
        assertThat(f.store().find(A, "other")).isEmpty();
        assertThat(f.store().find("tenant-c", "doc")).isEmpty();
        assertThatThrownBy(() -> f.store().get(A, "other")).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("\"other\"").hasMessageContaining(A);
    }

    @StoreTesting.OnBothDatabases
    void aCursorOfOneTenantIsRejectedForAnother(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(A, List.of(update("a1", "doc", "note", VectorClock.of("c1", 1), "1")));
        f.store().push(B, List.of(update("b1", "doc", "note", VectorClock.of("c1", 1), "2")));
        String cursorA = f.store().pull(A, PullRequest.initial()).serverCursor();
        String cursorB = f.store().pull(B, PullRequest.initial()).serverCursor();
        // Both sit at change 1 of their tenant, yet they are not interchangeable.
        assertThat(cursorA).isNotEqualTo(cursorB);

        f.store().push(A, List.of(update("a2", "doc-2", "note", VectorClock.of("c1", 1), "3")));
        PullResponse firstPageA = f.store().pull(A, PullRequest.initial().withLimit(1));
        assertThat(firstPageA.hasMore()).isTrue();
        for (String cursor : List.of(cursorA, f.store().headCursor(A), firstPageA.serverCursor())) {
            InvalidCursorException e = catchThrowableOfType(InvalidCursorException.class,
                    () -> f.store().pull(B, PullRequest.since(cursor)));
            assertThat(e).as("cursor of tenant A used by tenant B").isNotNull();
            assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.OTHER_TENANT);
            assertThat(e.field()).isEqualTo("sinceCursor");
            assertThat(e.getMessage()).contains("another tenant");
        }
        // Tenant ids that differ only in case or a trailing space are different tenants too.
        for (String near : List.of("TENANT-A", "tenant-a ", "tenant-\u0430")) {
            InvalidCursorException e = catchThrowableOfType(InvalidCursorException.class,
                    () -> f.store().pull(near, PullRequest.since(cursorA)));
            assertThat(e).as("cursor of tenant A used by \"%s\"", near).isNotNull();
            assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.OTHER_TENANT);
        }
        assertThat(f.store().pull(A, PullRequest.since(cursorA)).objects()).extracting(MaterializedObject::objectId)
                .containsExactly("doc-2");
    }

    @StoreTesting.OnBothDatabases
    void changeSequencesOfOneTenantDoNotMoveAnothersCursor(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(B, List.of(update("b1", "doc", "note", VectorClock.of("c1", 1), "\"b\"")));
        String cursorB = f.store().pull(B, PullRequest.initial()).serverCursor();
        for (int i = 1; i <= 30; i++) {
            f.store().push(A, List.of(update("a" + i, "doc-" + i, "note", VectorClock.of("c1", 1), "\"a\"")));
        }
        assertThat(f.store().headCursor(B)).isEqualTo(cursorB);
        assertThat(f.store().pull(B, PullRequest.since(cursorB)).objects()).isEmpty();
        f.store().push(B, List.of(update("b2", "doc", "note", VectorClock.of("c1", 2), "\"b2\"")));
        PullResponse next = f.store().pull(B, PullRequest.since(cursorB));
        assertThat(next.objects()).extracting(MaterializedObject::winnerOpId).containsExactly("b2");
        assertThat(next.hasMore()).isFalse();
        assertThat(StoreTesting.pullAll(f.store(), A, PullRequest.initial().withLimit(4)).objects()).hasSize(30);
    }
}
