package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@code push(handle, ...)} joins the caller's transaction: it commits and rolls back with it. */
class StoreTransactionTest {
    private static final String T = "tenant-1";
    private static final List<Op> OPS = List.of(
            update("a1", "doc-1", "note", VectorClock.of("a", 1), "\"one\"", "inbox"),
            update("b1", "doc-1", "note", VectorClock.of("b", 1), "\"two\"", "work"),
            update("a2", "doc-2", "task", VectorClock.of("a", 1), "\"three\""));

    private static StoreTesting.Fixture withAppTable(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.db().jdbi().useHandle(h -> h.execute("CREATE TABLE app_outbox (id INTEGER PRIMARY KEY, body VARCHAR(100))"));
        return f;
    }

    private static void appWrite(Handle h, int id) {
        h.createUpdate("INSERT INTO app_outbox (id, body) VALUES (:id, 'event')").bind("id", id).execute();
    }

    @StoreTesting.OnBothDatabases
    void aPushInATransactionThatRollsBackLeavesNothing(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withAppTable(kind);
        String emptyHead = f.store().headCursor(T);
        Throwable e = catchThrowable(() -> f.db().jdbi().useTransaction(h -> {
            appWrite(h, 1);
            PushResult r = f.store().push(h, T, OPS);
            assertThat(r.results()).extracting(OpResult::outcome)
                    .containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.APPLIED);
            // Inside the transaction the push is visible...
            assertThat(h.createQuery("SELECT COUNT(*) FROM sync_journal").mapTo(Long.class).one()).isEqualTo(3);
            throw new IllegalStateException("the service changed its mind");
        }));
        assertThat(e).isExactlyInstanceOf(IllegalStateException.class);
        // ...and afterwards none of it is.
        assertThat(f.db().count("app_outbox")).isZero();
        assertThat(f.counts()).containsOnly(Map.entry("sync_aliases", 0L), Map.entry("sync_conflicts", 0L), Map.entry("sync_graves", 0L),
                Map.entry("sync_journal", 0L),
                Map.entry("sync_object_tags", 0L), Map.entry("sync_objects", 0L), Map.entry("sync_scope_exits", 0L),
                Map.entry("sync_tenants", 0L));
        assertThat(f.store().pull(T, PullRequest.initial()).objects()).isEmpty();
        assertThat(f.store().headCursor(T)).isEqualTo(emptyHead);
        // The same ops pushed later are new, not duplicates.
        assertThat(f.store().push(T, OPS).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.APPLIED);
    }

    @StoreTesting.OnBothDatabases
    void aPushInATransactionThatCommitsIsVisibleWithTheCallersWrites(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withAppTable(kind);
        PushResult[] pushed = new PushResult[2];
        f.db().jdbi().useTransaction(h -> {
            appWrite(h, 1);
            pushed[0] = f.store().push(h, T, OPS.subList(0, 2));
            appWrite(h, 2);
            // A second push in the same transaction sees the first one's ops.
            pushed[1] = f.store().push(h, T, OPS);
        });
        assertThat(pushed[0].results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED, Outcome.MERGED);
        assertThat(pushed[1].results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.APPLIED);
        assertThat(f.db().count("app_outbox")).isEqualTo(2);
        assertThat(f.db().count("sync_journal", T)).isEqualTo(3);
        assertThat(pushed[1].serverCursor()).isEqualTo(f.store().headCursor(T));
        assertThat(StoreTesting.pullAll(f.store(), T, PullRequest.initial()).byId())
                .isEqualTo(StoreTesting.expected(StoreTesting.materialize(OPS)));
    }

    @StoreTesting.OnBothDatabases
    void aPushOnAHandleWithoutATransactionCommitsOnItsOwn(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withAppTable(kind);
        f.db().jdbi().useHandle(h -> {
            f.store().push(h, T, OPS);
            assertThat(h.isInTransaction()).isFalse();
            // Visible to another connection right away.
            assertThat(f.store().get(T, "doc-2").payload().json()).isEqualTo("\"three\"");
        });
        assertThat(f.db().count("sync_journal", T)).isEqualTo(3);
    }

    @StoreTesting.OnBothDatabases
    void aRejectedPushInsideACommittedTransactionWritesNothingOfItsOwn(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withAppTable(kind);
        f.store().push(T, OPS.subList(0, 1));
        Map<String, Long> before = f.counts();
        Op reuse = OPS.get(0).toBuilder().payload(Payload.parse("\"other\"")).build();
        f.db().jdbi().useTransaction(h -> {
            appWrite(h, 1);
            Throwable e = catchThrowable(() -> f.store().push(h, T, List.of(OPS.get(2), reuse)));
            assertThat(e).isExactlyInstanceOf(OpIdReusedException.class);
            // The service handles the error and commits its own work.
            appWrite(h, 2);
        });
        assertThat(f.db().count("app_outbox")).isEqualTo(2);
        assertThat(f.counts()).isEqualTo(before);
        assertThat(f.store().find(T, "doc-2")).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void aRejectedFirstPushOfATenantInsideACommittedTransactionWritesNothing(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withAppTable(kind);
        Op reuse = OPS.get(0).toBuilder().payload(Payload.parse("\"other\"")).build();
        f.db().jdbi().useTransaction(h -> {
            appWrite(h, 1);
            Throwable e = catchThrowable(() -> f.store().push(h, "new-tenant", List.of(OPS.get(0), reuse)));
            assertThat(e).isExactlyInstanceOf(OpIdReusedException.class);
        });
        assertThat(f.db().count("app_outbox")).isEqualTo(1);
        assertThat(f.counts()).containsOnly(Map.entry("sync_aliases", 0L), Map.entry("sync_conflicts", 0L), Map.entry("sync_graves", 0L),
                Map.entry("sync_journal", 0L),
                Map.entry("sync_object_tags", 0L), Map.entry("sync_objects", 0L), Map.entry("sync_scope_exits", 0L),
                Map.entry("sync_tenants", 0L));
    }

    @StoreTesting.OnBothDatabases
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aConcurrentPushWaitsForTheCallersTransaction(TestDatabases.Kind kind) throws Exception {
        for (boolean commit : new boolean[] {true, false}) {
            StoreTesting.Fixture f = withAppTable(kind);
            f.store().push(T, List.of(update("seed", "other", "note", VectorClock.of("s", 1), "0")));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                CountDownLatch pushedInside = new CountDownLatch(1);
                Future<PushResult> concurrent;
                try (Handle h = f.db().jdbi().open()) {
                    h.begin();
                    f.store().push(h, T, OPS);
                    concurrent = pool.submit(() -> {
                        pushedInside.await();
                        return f.store().push(T, OPS);
                    });
                    pushedInside.countDown();
                    // Give the other push time to reach the tenant's lock; the outcome below does not
                    // depend on whether it did.
                    Thread.sleep(300);
                    if (commit) {
                        h.commit();
                    } else {
                        h.rollback();
                    }
                }
                List<Outcome> outcomes = concurrent.get(60, TimeUnit.SECONDS).results().stream()
                        .map(OpResult::outcome).toList();
                if (commit) {
                    assertThat(outcomes).containsOnly(Outcome.DUPLICATE);
                } else {
                    assertThat(outcomes).containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.APPLIED);
                }
                assertThat(f.db().count("sync_journal", T)).isEqualTo(4);
                assertThat(StoreTesting.pullAll(f.store(), T, PullRequest.initial()).objects())
                        .extracting(MaterializedObject::objectId).containsExactly("other", "doc-1", "doc-2");
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
