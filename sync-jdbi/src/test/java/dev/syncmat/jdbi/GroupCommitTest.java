package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit by example: pushes queued behind a held tenant lock run as one group, in the order
 * they queued, and each keeps its own outcomes, cursor and failure.
 */
class GroupCommitTest {
    private static final String T = "tenant-1";

    private static Op update(String opId, String objectId, VectorClock clock, String payload) {
        return Op.update(opId, objectId, "note", clock, Payload.parse(payload));
    }

    /** A store on a fresh database whose tenant {@link #T} exists, with a listener of its groups. */
    private record Setup(TestDatabases.Database db, SyncStore store, GroupTesting.Groups groups) {
        static Setup of(TestDatabases.Kind kind, Duration lockWait) {
            TestDatabases.Database db = TestDatabases.create(kind);
            SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(lockWait).build();
            store.migrate();
            store.push(T, List.of(update("seed", "seed", VectorClock.of("s", 1), "0")));
            GroupTesting.Groups groups = new GroupTesting.Groups();
            store.groupListener(groups);
            return new Setup(db, store, groups);
        }

        /**
         * Pushes the requests from threads of their own while the tenant's lock is held elsewhere:
         * a blocker push leads and waits for the lock, the requests queue behind it in the order
         * given, and all of them form the next group once the lock is released.
         */
        List<CompletableFuture<PushResult>> queued(List<List<Op>> requests) {
            List<CompletableFuture<PushResult>> futures = new ArrayList<>();
            try (GroupTesting.TenantLock lock = new GroupTesting.TenantLock(db, T)) {
                futures.add(CompletableFuture.supplyAsync(
                        () -> store.push(T, List.of(update("blocker", "seed", VectorClock.of("b", 1), "1")))));
                GroupTesting.await("the blocker leads", () -> store.queuedPushes(T) == 1);
                for (List<Op> request : requests) {
                    int before = store.queuedPushes(T);
                    futures.add(CompletableFuture.supplyAsync(() -> store.push(T, request)));
                    GroupTesting.await("the next push queues", () -> store.queuedPushes(T) == before + 1);
                }
            }
            return futures.subList(1, futures.size());
        }
    }

    private static Throwable failureOf(CompletableFuture<PushResult> f) throws InterruptedException, TimeoutException {
        try {
            f.get(120, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @StoreTesting.OnBothDatabases
    void aRefusedRequestInAGroupFailsAloneAndWritesNothing(TestDatabases.Kind kind) throws Exception {
        Setup s = Setup.of(kind, Duration.ofSeconds(60));
        List<Op> good = List.of(update("g1", "a", VectorClock.of("x", 1), "1"), update("g2", "b", VectorClock.of("x", 2), "2"));
        // Reuses g1's id with other content, beside a new op of its own that must not be written either.
        List<Op> bad = List.of(update("r1", "c", VectorClock.of("y", 1), "3"), update("g1", "a", VectorClock.of("x", 1), "99"));
        List<Op> alsoGood = List.of(update("h1", "a", VectorClock.of("x", 3), "4"));
        List<CompletableFuture<PushResult>> f = s.queued(List.of(good, bad, alsoGood));

        assertThat(f.get(0).get(120, TimeUnit.SECONDS).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.APPLIED, Outcome.APPLIED);
        assertThat(failureOf(f.get(1))).isInstanceOfSatisfying(OpIdReusedException.class,
                e -> assertThat(e.opId()).isEqualTo("g1"));
        assertThat(f.get(2).get(120, TimeUnit.SECONDS).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.APPLIED);
        // The three ran in one transaction, in the order they queued.
        assertThat(s.groups().groups).anySatisfy(g -> assertThat(g).containsExactly(good, bad, alsoGood));
        // Nothing of the refused request is stored: not its new op, not its object.
        assertThat(s.store().find(T, "c")).isEmpty();
        assertThat(s.db().count("sync_journal", T)).isEqualTo(5);
        assertThat(s.store().get(T, "a").payload()).isEqualTo(Payload.parse("4"));
    }

    @StoreTesting.OnBothDatabases
    void outcomesAndCursorsArePerRequest(TestDatabases.Kind kind) throws Exception {
        Setup s = Setup.of(kind, Duration.ofSeconds(60));
        List<Op> first = List.of(update("a1", "a", VectorClock.of("x", 1), "1"), update("b1", "b", VectorClock.of("x", 2), "1"));
        // Concurrent with a1, a re-send of b1, and a new object.
        List<Op> second = List.of(update("a2", "a", VectorClock.of("y", 1), "2"), update("b1", "b", VectorClock.of("x", 2), "1"),
                update("c1", "c", VectorClock.of("y", 2), "3"));
        // Has seen a1 and a2: the sole head again.
        List<Op> third = List.of(update("a3", "a", VectorClock.of("x", 1).merge(VectorClock.of("y", 1)).increment("z"), "0"));
        List<CompletableFuture<PushResult>> f = s.queued(List.of(first, second, third));
        PushResult r1 = f.get(0).get(120, TimeUnit.SECONDS);
        PushResult r2 = f.get(1).get(120, TimeUnit.SECONDS);
        PushResult r3 = f.get(2).get(120, TimeUnit.SECONDS);
        assertThat(s.groups().largest()).isEqualTo(3);

        assertThat(r1.results()).containsExactly(new OpResult("a1", Outcome.APPLIED), new OpResult("b1", Outcome.APPLIED));
        assertThat(r2.results()).containsExactly(new OpResult("a2", Outcome.MERGED), new OpResult("b1", Outcome.DUPLICATE),
                new OpResult("c1", Outcome.APPLIED));
        assertThat(r3.results()).containsExactly(new OpResult("a3", Outcome.APPLIED));
        // Each cursor covers its own request's changes and the ones before it, and no later ones.
        assertThat(Cursors.decode(r1.serverCursor(), T).changeSeq()).isLessThan(Cursors.decode(r2.serverCursor(), T).changeSeq());
        PullResponse afterFirst = s.store().pull(T, PullRequest.since(r1.serverCursor()));
        assertThat(afterFirst.objects()).extracting(o -> o.objectId()).containsExactlyInAnyOrder("a", "c");
        PullResponse afterSecond = s.store().pull(T, PullRequest.since(r2.serverCursor()));
        assertThat(afterSecond.objects()).extracting(o -> o.objectId()).containsExactly("a");
        assertThat(s.store().headCursor(T)).isEqualTo(r3.serverCursor());
    }

    @StoreTesting.OnBothDatabases
    void aGroupWhoseTransactionFailsFailsEveryMemberRetryably(TestDatabases.Kind kind) throws Exception {
        Setup s = Setup.of(kind, Duration.ofMillis(300));
        List<Op> one = List.of(update("o1", "a", VectorClock.of("x", 1), "1"));
        List<Op> two = List.of(update("t1", "b", VectorClock.of("y", 1), "2"));
        List<CompletableFuture<PushResult>> f = new ArrayList<>();
        try (GroupTesting.TenantLock lock = new GroupTesting.TenantLock(s.db(), T)) {
            f.add(CompletableFuture.supplyAsync(() -> s.store().push(T, one)));
            f.add(CompletableFuture.supplyAsync(() -> s.store().push(T, two)));
            // The lock is held until both gave up: the leader's wait for the row, the other's in the queue or for the row.
            GroupTesting.await("both pushes gave up", () -> f.stream().allMatch(CompletableFuture::isDone));
        }
        for (CompletableFuture<PushResult> future : f) {
            assertThat(failureOf(future)).isInstanceOfSatisfying(StoreException.class, e -> {
                assertThat(e.isLockTimeout()).isTrue();
                assertThat(e.isRetryable()).isTrue();
            });
        }
        assertThat(s.db().count("sync_journal", T)).isEqualTo(1);
        // Retried, both go through.
        assertThat(s.store().push(T, one).results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
        assertThat(s.store().push(T, two).results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
    }

    @StoreTesting.OnBothDatabases
    void aRefusedPushOfANewTenantLeavesNoCounterRow(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        Op op = update("a1", "a", VectorClock.of("x", 1), "1");
        assertThatThrownBy(() -> store.push("new", List.of(op, update("a1", "a", VectorClock.of("x", 1), "2"))))
                .isInstanceOf(OpIdReusedException.class);
        assertThat(db.count("sync_tenants", "new")).isZero();
        assertThat(db.count("sync_journal", "new")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void groupsAreBoundedByRequestsAndOps(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(Duration.ofSeconds(60)).groupCommit(2, 3).build();
        store.migrate();
        store.push(T, List.of(update("seed", "seed", VectorClock.of("s", 1), "0")));
        GroupTesting.Groups groups = new GroupTesting.Groups();
        store.groupListener(groups);
        Setup s = new Setup(db, store, groups);
        List<List<Op>> requests = new ArrayList<>();
        int[] sizes = {1, 1, 1, 2, 2, 4};
        for (int i = 0; i < sizes.length; i++) {
            List<Op> r = new ArrayList<>();
            for (int j = 0; j < sizes[i]; j++) {
                r.add(update("r" + i + "-" + j, "o" + i, VectorClock.of("x" + i, j + 1), String.valueOf(j)));
            }
            requests.add(r);
        }
        for (CompletableFuture<PushResult> f : s.queued(requests)) {
            f.get(120, TimeUnit.SECONDS);
        }
        // At most 2 requests and 3 ops a group, except a first request that is larger alone.
        List<List<List<Op>>> after = groups.groups.subList(1, groups.groups.size());
        assertThat(after).containsExactly(List.of(requests.get(0), requests.get(1)), List.of(requests.get(2), requests.get(3)),
                List.of(requests.get(4)), List.of(requests.get(5)));
    }
}
