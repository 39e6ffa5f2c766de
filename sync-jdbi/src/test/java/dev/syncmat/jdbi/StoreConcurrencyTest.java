package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.ClockOrder;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent pushes and pulls on one tenant. Timeouts only keep a deadlock from hanging the build;
 * nothing asserts how long anything took.
 */
class StoreConcurrencyTest {
    private static final String T = "tenant-1";
    private static final int WRITERS = 4;

    @StoreTesting.OnBothDatabases
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFollowerPullingByCursorDuringConcurrentPushesEndsWithTheFullState(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        CausalHistory history = CausalHistories.defaults().replicas(WRITERS).objects(40).steps(900).generate(77);
        Map<String, List<Op>> byActor = new LinkedHashMap<>();
        history.actors().forEach(a -> byActor.put(a, new ArrayList<>()));
        for (Op op : history.ops()) {
            byActor.get(op.opId().substring(0, op.opId().lastIndexOf('-'))).add(op);
        }
        // Each writer pushes one replica's ops in the order it wrote them, and re-sends some ops of
        // the other replicas, so that writers race on the same objects and the same op ids.
        Random random = new Random(7);
        List<List<List<Op>>> plans = new ArrayList<>();
        for (List<Op> own : byActor.values()) {
            assertThat(own).hasSizeGreaterThan(20);
            List<Op> sequence = new ArrayList<>(own);
            for (int i = 0; i < own.size() / 6; i++) {
                Op foreign = history.ops().get(random.nextInt(history.ops().size()));
                sequence.add(random.nextInt(sequence.size() + 1), foreign);
            }
            List<List<Op>> batches = new ArrayList<>();
            for (int from = 0; from < sequence.size(); ) {
                int to = Math.min(sequence.size(), from + 1 + random.nextInt(12));
                batches.add(List.copyOf(sequence.subList(from, to)));
                from = to;
            }
            plans.add(batches);
        }

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            CyclicBarrier start = new CyclicBarrier(WRITERS + 1);
            List<Future<List<PushResult>>> writers = new ArrayList<>();
            for (List<List<Op>> plan : plans) {
                writers.add(pool.submit(() -> {
                    start.await();
                    List<PushResult> results = new ArrayList<>();
                    for (List<Op> batch : plan) {
                        PushResult r = f.store().push(T, batch);
                        assertThat(r.results()).extracting(OpResult::opId)
                                .containsExactlyElementsOf(batch.stream().map(Op::opId).toList());
                        results.add(r);
                    }
                    return results;
                }));
            }
            AtomicBoolean writersDone = new AtomicBoolean();
            Future<Follower> follower = pool.submit(new Follower(f.store(), start, writersDone));

            List<PushResult> all = new ArrayList<>();
            for (Future<List<PushResult>> w : writers) {
                all.addAll(w.get(150, TimeUnit.SECONDS));
            }
            writersDone.set(true);
            Follower done = follower.get(150, TimeUnit.SECONDS);

            // Every distinct op was taken exactly once (applied, merged or stale); every other
            // delivery of it was a duplicate.
            Map<String, Integer> taken = new HashMap<>();
            for (PushResult r : all) {
                for (OpResult o : r.results()) {
                    if (o.outcome() != Outcome.DUPLICATE) {
                        taken.merge(o.opId(), 1, Integer::sum);
                    }
                }
            }
            assertThat(taken).hasSize(history.ops().size());
            assertThat(new HashSet<>(taken.values())).containsExactly(1);
            assertThat(f.db().count("sync_journal", T)).isEqualTo(history.ops().size());

            Map<String, MaterializedObject> expected = StoreTesting.expected(StoreTesting.materialize(history.ops()));
            Map<String, MaterializedObject> full = StoreTesting.pullAll(f.store(), T, PullRequest.initial()).byId();
            assertThat(full).isEqualTo(expected);
            assertThat(done.seen).isEqualTo(expected);
            assertThat(done.pulls).as("pulls made by the follower").isGreaterThan(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Pulls by cursor until the writers are done, then drains once more. Applies what it sees to a
     * map, checking on the way that an object's context never goes back (it only grows as ops
     * arrive, so a pull that returned an older version after a newer one would show here).
     */
    private static final class Follower implements Callable<Follower> {
        private final SyncStore store;
        private final CyclicBarrier start;
        private final AtomicBoolean writersDone;
        final Map<String, MaterializedObject> seen = new HashMap<>();
        int pulls;

        Follower(SyncStore store, CyclicBarrier start, AtomicBoolean writersDone) {
            this.store = store;
            this.start = start;
            this.writersDone = writersDone;
        }

        @Override
        public Follower call() throws Exception {
            start.await();
            String cursor = null;
            while (true) {
                boolean last = writersDone.get();
                PullResponse page;
                do {
                    page = store.pull(T, new PullRequest(cursor, Scope.all(), 3));
                    pulls++;
                    Set<String> inPage = new HashSet<>();
                    for (MaterializedObject o : page.objects()) {
                        assertThat(inPage.add(o.objectId())).as("%s twice in one page", o.objectId()).isTrue();
                        MaterializedObject before = seen.put(o.objectId(), o);
                        if (before != null) {
                            ClockOrder order = o.context().compare(before.context());
                            assertThat(order).as("context of %s after %s", o, before)
                                    .isIn(ClockOrder.AFTER, ClockOrder.EQUAL);
                        }
                    }
                    cursor = page.serverCursor();
                } while (page.hasMore());
                if (last) {
                    return this;
                }
            }
        }
    }

    @StoreTesting.OnBothDatabases
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theSameBatchPushedByManyThreadsAtOnceIsTakenOnce(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        List<Op> batch = CausalHistories.defaults().replicas(3).objects(8).steps(120).generate(5).ops();
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // A brand-new tenant: the threads also race to create its counter row.
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<PushResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return f.store().push("fresh-tenant", batch);
                }));
            }
            List<PushResult> results = new ArrayList<>();
            for (Future<PushResult> fu : futures) {
                results.add(fu.get(100, TimeUnit.SECONDS));
            }
            List<Outcome> firstTime = StoreTesting.materialize(List.of()).applyAll(batch).stream()
                    .map(dev.syncmat.core.merge.ApplyResult::outcome).toList();
            int winners = 0;
            for (PushResult r : results) {
                List<Outcome> outcomes = r.results().stream().map(OpResult::outcome).toList();
                if (outcomes.equals(firstTime)) {
                    winners++;
                } else {
                    assertThat(outcomes).containsOnly(Outcome.DUPLICATE);
                }
            }
            assertThat(winners).isEqualTo(1);
            assertThat(f.db().count("sync_journal", "fresh-tenant")).isEqualTo(batch.size());
            assertThat(f.db().count("sync_tenants", "fresh-tenant")).isEqualTo(1);
            assertThat(StoreTesting.pullAll(f.store(), "fresh-tenant", PullRequest.initial()).byId())
                    .isEqualTo(StoreTesting.expected(StoreTesting.materialize(batch)));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @StoreTesting.OnBothDatabases
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void tenantsPushInParallelWithoutMixing(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        int tenants = 4;
        ExecutorService pool = Executors.newFixedThreadPool(tenants);
        try {
            CyclicBarrier start = new CyclicBarrier(tenants);
            List<Future<?>> futures = new ArrayList<>();
            List<CausalHistory> histories = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                CausalHistory h = CausalHistories.defaults().replicas(3).objects(10).steps(300).generate(300 + t);
                histories.add(h);
                String tenant = "t" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < h.ops().size(); i += 9) {
                        f.store().push(tenant, h.ops().subList(i, Math.min(h.ops().size(), i + 9)));
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get(100, TimeUnit.SECONDS);
            }
            for (int t = 0; t < tenants; t++) {
                assertThat(StoreTesting.pullAll(f.store(), "t" + t, PullRequest.initial().withLimit(10)).byId())
                        .as("tenant t%d", t)
                        .isEqualTo(StoreTesting.expected(StoreTesting.materialize(histories.get(t).ops())));
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
