package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit is invisible: random interleavings of concurrent pushes to one tenant from several
 * threads (ops of realistic causal histories in batches, some re-sent, some carrying an op id
 * reused with other content, some naming a context alias their object lacks) give every request
 * the result, and the tenant the rows, that the same requests pushed one at a time, in the order
 * the store reports it ran them, give on a fresh database. Law: equivalence with sequential
 * pushes in commit order (per-request outcomes, cursor positions and failures; every row of every
 * table but the random epochs).
 *
 * <p>The first push of every thread is held behind a transaction that locks the tenant's counter
 * row until all of them queue, so that every try runs at least one group of several requests;
 * the rest interleave as the threads run.
 */
class GroupCommitProperties {
    private static final String T = "t\u00e9nant-\ud83d\ude80";
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final int THREADS = 4;

    @Property(tries = 25)
    void groupedPushesEqualPushesOneAtATimeInCommitOrderOnH2(@ForAll("scenarios") Scenario s) throws Exception {
        check(TestDatabases.Kind.H2, s);
    }

    /** Fewer tries: each costs two CREATE DATABASEs and real round trips. */
    @Property(tries = 6)
    void groupedPushesEqualPushesOneAtATimeInCommitOrderOnPostgresql(@ForAll("serverScenarios") Scenario s)
            throws Exception {
        check(s.kind(), s);
    }

    /** The requests, each pushed by one thread, in order per thread; the first request is pushed alone first. */
    record Scenario(TestDatabases.Kind kind, List<List<Op>> requests, List<Integer> threads) {
        @Override
        public String toString() {
            return requests.size() + " requests on " + kind + ": " + requests;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(Arbitraries.just(TestDatabases.Kind.H2));
    }

    @Provide
    Arbitrary<Scenario> serverScenarios() {
        return scenarios(Arbitraries.of(TestDatabases.serverKinds()));
    }

    private static Arbitrary<Scenario> scenarios(Arbitrary<TestDatabases.Kind> kinds) {
        Arbitrary<CausalHistory> histories = CausalHistoryArbitraries.histories(CausalHistories.defaults()
                .replicas(2, 5).objects(1, 6).steps(20, 90)).filter(h -> h.ops().size() >= 8);
        return Combinators.combine(kinds, histories, Arbitraries.randoms()).as(GroupCommitProperties::scenario);
    }

    /** Cuts the history's ops into batches of 1 to 6, and mixes in re-sent, reused and refused ones. */
    private static Scenario scenario(TestDatabases.Kind kind, CausalHistory history, Random random) {
        List<Op> ops = history.ops();
        List<List<Op>> requests = new ArrayList<>();
        for (int from = 0; from < ops.size(); ) {
            int to = Math.min(ops.size(), from + 1 + random.nextInt(6));
            List<Op> batch = new ArrayList<>(ops.subList(from, to));
            double roll = random.nextDouble();
            if (roll < 0.15) {
                // Re-sends an op of the history (sent before or later: either way a duplicate for one of them).
                batch.add(random.nextInt(batch.size() + 1), ops.get(random.nextInt(ops.size())));
            } else if (roll < 0.25) {
                // Reuses an op id with other content: whichever of the two runs second fails alone.
                batch.add(random.nextInt(batch.size() + 1), StoreStateProperties.PushReusedId.changed(ops.get(random.nextInt(ops.size())), random.nextInt(4)));
            } else if (roll < 0.30) {
                // Names a context alias its object does not have: refused by the merge, inside the group.
                Op op = batch.get(0);
                batch.set(0, op.toBuilder().clock(op.clock().merge(
                        dev.syncmat.core.clock.VectorClock.of(ContextAliases.ACTOR, 3))).build());
            }
            requests.add(batch);
            if (!requests.isEmpty() && random.nextDouble() < 0.1) {
                // A whole request sent again (a client retrying after a lost response).
                requests.add(new ArrayList<>(requests.get(random.nextInt(requests.size()))));
            }
            from = to;
        }
        List<Integer> threads = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            threads.add(i == 0 ? -1 : random.nextInt(THREADS));
        }
        return new Scenario(kind, requests, threads);
    }

    private static SyncStore store(TestDatabases.Database db, int maxGroupRequests) {
        SyncStore store = SyncStore.builder(db.jdbi()).clock(new TestClock(NOW)).lockWaitTimeout(Duration.ofSeconds(60))
                .groupCommit(maxGroupRequests, 1000).build();
        store.migrate();
        return store;
    }

    /** What one request came to: a result, or the failure's class and message. */
    private record Outcome(List<dev.syncmat.core.protocol.OpResult> results, Cursors.Position cursor, String failure) {
        static Outcome of(PushResult r) {
            Cursors.Position p = Cursors.decode(r.serverCursor(), T);
            // The epoch is drawn at random per database; the rest of the position must agree.
            return new Outcome(r.results(), new Cursors.Position(p.changeSeq(), 0, p.journalSeq(), p.journalFingerprint()), null);
        }

        static Outcome of(Throwable e) {
            return new Outcome(null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Outcome attempt(SyncStore store, List<Op> request) {
        try {
            return Outcome.of(store.push(T, request));
        } catch (RuntimeException e) {
            return Outcome.of(e);
        }
    }

    private static void check(TestDatabases.Kind kind, Scenario s) throws Exception {
        TestDatabases.Database grouped = TestDatabases.create(kind);
        SyncStore store = store(grouped, StoreOptions.DEFAULT_MAX_GROUP_REQUESTS);
        GroupTesting.Groups groups = new GroupTesting.Groups();
        store.groupListener(groups);
        Map<List<Op>, Outcome> outcomes = java.util.Collections.synchronizedMap(new IdentityHashMap<>());

        List<Op> first = s.requests().get(0);
        outcomes.put(first, attempt(store, first));
        if (grouped.count("sync_tenants", T) == 0) {
            // A refused first request leaves no counter row to hold: create it with a push of nothing new.
            store.push(T, List.of());
        }
        List<List<List<Op>>> plans = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<List<Op>> plan = new ArrayList<>();
            for (int i = 1; i < s.requests().size(); i++) {
                if (s.threads().get(i) == t) {
                    plan.add(s.requests().get(i));
                }
            }
            plans.add(plan);
        }
        long busy = plans.stream().filter(p -> !p.isEmpty()).count();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier((int) busy + 1);
            List<Future<?>> running = new ArrayList<>();
            try (GroupTesting.TenantLock lock = new GroupTesting.TenantLock(grouped, T)) {
                for (List<List<Op>> plan : plans) {
                    if (plan.isEmpty()) {
                        continue;
                    }
                    running.add(pool.submit(() -> {
                        start.await();
                        for (List<Op> request : plan) {
                            outcomes.put(request, attempt(store, request));
                        }
                        return null;
                    }));
                }
                start.await(60, TimeUnit.SECONDS);
                // One first push leads and waits for the row; the others queue behind it.
                GroupTesting.await("every thread's first push waits", () -> store.queuedPushes(T) == busy);
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<List<Op>> order = groups.order();
        // Every request ran exactly once, in some group (the empty one that created the row aside).
        List<List<Op>> ran = order.stream().filter(r -> !r.isEmpty()).toList();
        assertThat(ran).hasSize(s.requests().size());
        assertThat(groups.positions().keySet()).containsAll(outcomes.keySet());
        if (busy > 2) {
            assertThat(groups.largest()).isGreaterThan(1);
        }
        Statistics.label("largest group").collect(groups.largest() < 2 ? "1" : groups.largest() < 4 ? "2..3" : "4+");
        Statistics.label("refused requests").collect(
                outcomes.values().stream().anyMatch(o -> o.failure() != null) ? "some" : "none");

        // The same requests one at a time, in that order, on a fresh database.
        TestDatabases.Database sequential = TestDatabases.create(kind);
        SyncStore reference = store(sequential, 1);
        for (List<Op> request : order) {
            Outcome expected = attempt(reference, request);
            if (request.isEmpty()) {
                continue;
            }
            assertThat(outcomes.get(request)).as("result of %s", request).isEqualTo(expected);
        }
        assertThat(GroupTesting.dump(grouped, T)).isEqualTo(GroupTesting.dump(sequential, T));
    }
}
