package dev.syncmat.jdbi;

import dev.syncmat.core.SyncException;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two stores that keep every object in their heads caches, pushing into one database in turns (as
 * two processes would), with pushes that roll back among them, write exactly what one store
 * without a cache writes given the committed pushes in the same order: the same result for every
 * request and the same rows in every table. Causal histories with up to 8 replicas make many
 * concurrent heads; an alias threshold of 2 makes aliases on most objects.
 */
class HeadsCacheProperties {
    private static final String T = "tenant-hcp";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);

    /** One request: its ops, the store that pushes it (0 or 1), and whether its transaction rolls back. */
    record Request(List<Op> ops, int store, boolean rolledBack) {
    }

    record Scenario(TestDatabases.Kind kind, List<Request> requests) {
        @Override
        public String toString() {
            return requests.size() + " requests on " + kind + ": " + requests;
        }
    }

    @Property(tries = 30)
    void cachedStoresWriteWhatAStoreWithoutACacheWritesOnH2(@ForAll("histories") CausalHistory history,
                                                            @ForAll Random random) {
        check(scenario(TestDatabases.Kind.H2, history, random));
        // Each path of the cache is taken in some tries (in about 70 to 80% of them each, as measured).
        for (String label : LABELS) {
            Statistics.label(label).coverage(c -> c.check(true).count(n -> n > 0));
        }
    }

    private static final List<String> LABELS = List.of("heads read from the cache", "aliases read from the cache",
            "heads changed since the cache read or wrote them");

    /** Fewer tries: each costs two CREATE DATABASEs and real round trips. */
    @Property(tries = 6)
    void cachedStoresWriteWhatAStoreWithoutACacheWritesOnPostgresql(@ForAll("histories") CausalHistory history,
                                                                    @ForAll Random random,
                                                                    @ForAll("serverKinds") TestDatabases.Kind kind) {
        check(scenario(kind, history, random));
    }

    /** Up to 8 replicas writing up to 4 objects: many concurrent heads. */
    @Provide
    Arbitrary<CausalHistory> histories() {
        return CausalHistoryArbitraries.histories(CausalHistories.defaults().replicas(2, 8).objects(1, 4).steps(20, 90))
                .filter(h -> h.ops().size() >= 8);
    }

    @Provide
    Arbitrary<TestDatabases.Kind> serverKinds() {
        return Arbitraries.of(TestDatabases.serverKinds());
    }

    /** Cuts the history into requests of 1 to 6 ops, with re-sent ops, reused op ids and unknown aliases mixed in. */
    private static Scenario scenario(TestDatabases.Kind kind, CausalHistory history, Random random) {
        List<Op> ops = history.ops();
        List<Request> requests = new ArrayList<>();
        for (int from = 0; from < ops.size(); ) {
            int to = Math.min(ops.size(), from + 1 + random.nextInt(6));
            List<Op> batch = new ArrayList<>(ops.subList(from, to));
            double roll = random.nextDouble();
            if (roll < 0.1) {
                batch.add(random.nextInt(batch.size() + 1), ops.get(random.nextInt(ops.size())));
            } else if (roll < 0.15) {
                batch.add(random.nextInt(batch.size() + 1),
                        StoreStateProperties.PushReusedId.changed(ops.get(random.nextInt(ops.size())), random.nextInt(4)));
            } else if (roll < 0.2) {
                Op op = batch.get(0);
                batch.set(0, op.toBuilder().clock(op.clock().merge(VectorClock.of(ContextAliases.ACTOR, 1 + random.nextInt(3))))
                        .build());
            }
            boolean rolledBack = random.nextDouble() < 0.12;
            requests.add(new Request(batch, random.nextInt(2), rolledBack));
            if (rolledBack) {
                // Sent again later, as a client whose push failed would; to the other store half the time.
                requests.add(new Request(batch, random.nextInt(2), false));
            }
            from = to;
        }
        return new Scenario(kind, requests);
    }

    private static SyncStore store(TestDatabases.Database db, long cacheChars) {
        return SyncStore.builder(db.jdbi()).clock(CLOCK).aliasThreshold(2).headsCacheChars(cacheChars)
                .headsCacheMinChars(0).build();
    }

    /** What a request came to: its outcomes, or the failure that refused it. */
    private static String outcome(SyncStore store, List<Op> ops) {
        try {
            return store.push(T, ops).results().stream().map(OpResult::outcome).toList().toString();
        } catch (SyncException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void check(Scenario s) {
        TestDatabases.Database shared = TestDatabases.create(s.kind());
        TestDatabases.Database reference = TestDatabases.create(s.kind());
        List<SyncStore> cached = List.of(store(shared, 1L << 20), store(shared, 1L << 20));
        SyncStore plain = store(reference, 0);
        cached.get(0).migrate();
        plain.migrate();
        for (Request r : s.requests()) {
            SyncStore store = cached.get(r.store());
            if (r.rolledBack()) {
                try (Handle h = shared.jdbi().open()) {
                    h.begin();
                    try {
                        store.push(h, T, r.ops());
                    } catch (SyncException e) {
                        // Refused or failed: rolled back all the same.
                    }
                    h.rollback();
                }
                continue;
            }
            assertThat(outcome(store, r.ops())).as("request %s", r.ops()).isEqualTo(outcome(plain, r.ops()));
        }
        assertThat(GroupTesting.dump(shared, T)).isEqualTo(GroupTesting.dump(reference, T));
        long heads = cached.get(0).headsCache().headsHits() + cached.get(1).headsCache().headsHits();
        long aliases = cached.get(0).headsCache().aliasesHits() + cached.get(1).headsCache().aliasesHits();
        long changed = cached.get(0).headsCache().changedHeads() + cached.get(1).headsCache().changedHeads();
        Statistics.label(LABELS.get(0)).collect(heads > 0);
        Statistics.label(LABELS.get(1)).collect(aliases > 0);
        Statistics.label(LABELS.get(2)).collect(changed > 0);
    }
}
