package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.protocol.ReplayReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The store's meters in a Micrometer {@link MeterRegistry}; docs/operations.md ("Metrics") lists
 * them. The only class of the store that names Micrometer types, loaded only by
 * {@link SyncStoreBuilder#meterRegistry}.
 *
 * <p>No meter is tagged by tenant: a store serves any number of tenants, and a series per tenant
 * (times the buckets of a timer) would grow without bound. Every tag has a fixed set of values,
 * except {@code reason}, whose values are the merge policy's reason codes. The meters whose tags
 * are known are registered at once, so they are scraped at 0 before the first call.
 * Thread-safe.
 */
final class MicrometerStoreMetrics implements StoreMetrics {
    private static final String[] RESULTS = {"ok", "invalid", "failed"};
    private static final String[] PURGED = {"tombstones", "conflicts", "scope_exits", "journal_archived"};

    private final MeterRegistry registry;
    private final Map<String, Timer> pushTimers = new HashMap<>();
    private final Map<String, Timer> pullTimers = new HashMap<>();
    private final Map<Outcome, Counter> ops = new EnumMap<>(Outcome.class);
    private final Timer lockWait;
    private final Counter lockTimeouts;
    private final DistributionSummary groupSize;
    private final Map<ReplayMode, Counter> replayOps = new EnumMap<>(ReplayMode.class);
    private final AtomicInteger replaysRunning = new AtomicInteger();
    private final AtomicLong replayRunningOps = new AtomicLong();
    private final Map<String, Counter> purged = new HashMap<>();
    private volatile IntSupplier waiters = () -> 0;
    private volatile HeadsCache headsCache = HeadsCache.OFF;

    /**
     * The stores whose meters are in one registry. A registry keeps one meter per name and tags,
     * so the counters and timers of several stores add up; its gauges read this, so that they add
     * up all the stores too (and not only the first store's). Stores that are gone drop out.
     */
    private static final class Stores {
        private final Set<MicrometerStoreMetrics> all = Collections.newSetFromMap(new WeakHashMap<>());

        synchronized void add(MicrometerStoreMetrics m) {
            all.add(m);
        }

        synchronized double sum(ToDoubleFunction<MicrometerStoreMetrics> value) {
            double sum = 0;
            for (MicrometerStoreMetrics m : all) {
                sum += value.applyAsDouble(m);
            }
            return sum;
        }
    }

    private static final Map<MeterRegistry, Stores> STORES = new WeakHashMap<>();

    private static Stores stores(MeterRegistry registry) {
        synchronized (STORES) {
            return STORES.computeIfAbsent(registry, r -> new Stores());
        }
    }

    private MicrometerStoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        Stores stores = stores(registry);
        stores.add(this);
        for (String result : RESULTS) {
            pushTimers.put(result, latency("syncmat.push", "Push calls of the store, by result", result));
            pullTimers.put(result, latency("syncmat.pull", "Pull calls of the store (one page each), by result", result));
        }
        for (Outcome outcome : Outcome.values()) {
            ops.put(outcome, Counter.builder("syncmat.ops").description("Pushed ops by what the push did with them")
                    .tag("outcome", outcome.wireName()).register(registry));
        }
        for (ConflictReason reason : ConflictReason.builtIn()) {
            conflicts(reason.code());
        }
        this.lockWait = Timer.builder("syncmat.lock.wait")
                .description("How long pushes waited for their tenant's lock (counter row), when they got it")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.lockTimeouts = Counter.builder("syncmat.lock.timeouts")
                .description("Pushes and rebuilds that gave up waiting for their tenant's lock (lockWaitTimeout)")
                .register(registry);
        this.groupSize = DistributionSummary.builder("syncmat.push.group.size")
                .description("Push requests committed in one transaction (group commit)")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
        Gauge.builder("syncmat.pull.waiters", stores, s -> s.sum(m -> m.waiters.getAsInt()))
                .description("Live pulls waiting for a change now").register(registry);
        for (ReplayMode mode : ReplayMode.values()) {
            replayOps.put(mode, Counter.builder("syncmat.replay.ops").description("Journal entries read by replays")
                    .tag("mode", mode.wireName()).register(registry));
            for (String result : new String[]{"consistent", "inconsistent", "failed"}) {
                replays(mode, result);
            }
        }
        Gauge.builder("syncmat.replay.running", stores, s -> s.sum(m -> m.replaysRunning.get()))
                .description("Replays in progress").register(registry);
        Gauge.builder("syncmat.replay.running.ops", stores, s -> s.sum(m -> m.replayRunningOps.get()))
                .description("Journal entries read so far by the replays in progress").register(registry);
        FunctionCounter.builder("syncmat.heads.cache.hits", stores, s -> s.sum(m -> m.headsCache.headsHits()))
                .description("Reads of objects' stored heads that the heads cache saved").tag("part", "heads")
                .register(registry);
        FunctionCounter.builder("syncmat.heads.cache.hits", stores, s -> s.sum(m -> m.headsCache.aliasesHits()))
                .description("Reads of objects' stored heads that the heads cache saved").tag("part", "aliases")
                .register(registry);
        FunctionCounter.builder("syncmat.heads.cache.hits", stores, s -> s.sum(m -> m.headsCache.payloadHits()))
                .description("Reads of objects' stored heads that the heads cache saved").tag("part", "payloads")
                .register(registry);
        FunctionCounter.builder("syncmat.heads.cache.changed", stores, s -> s.sum(m -> m.headsCache.changedHeads()))
                .description("Reads that found an object's stored heads changed since the heads cache kept them")
                .register(registry);
        Gauge.builder("syncmat.heads.cache.chars", stores, s -> s.sum(m -> m.headsCache.keptChars()))
                .description("Characters of stored heads and aliases the heads cache keeps parsed (the bound counts these)")
                .register(registry);
        for (String kind : PURGED) {
            purged.put(kind, Counter.builder("syncmat.purge.rows").description("Rows removed by purges, by kind")
                    .tag("kind", kind).register(registry));
        }
    }

    /** The store's metrics in {@code registry}, created when a store is built. */
    static Supplier<StoreMetrics> supplier(MeterRegistry registry) {
        return () -> new MicrometerStoreMetrics(registry);
    }

    private Timer latency(String name, String description, String result) {
        return Timer.builder(name).description(description).tag("result", result)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    // Looked up by the registry each time: the codes of a custom policy are only known when met.
    private Counter conflicts(String reason) {
        return Counter.builder("syncmat.conflicts").description("Conflict records written by pushes, by reason")
                .tag("reason", reason).register(registry);
    }

    private Counter replays(ReplayMode mode, String result) {
        return Counter.builder("syncmat.replays").description("Replays that ended, by mode and result")
                .tag("mode", mode.wireName()).tag("result", result).register(registry);
    }

    @Override
    public void pushed(PushResult result, PushTally tally, long nanos) {
        pushTimers.get("ok").record(nanos, TimeUnit.NANOSECONDS);
        int[] byOutcome = new int[Outcome.values().length];
        for (OpResult r : result.results()) {
            byOutcome[r.outcome().ordinal()]++;
        }
        for (Outcome outcome : Outcome.values()) {
            if (byOutcome[outcome.ordinal()] > 0) {
                ops.get(outcome).increment(byOutcome[outcome.ordinal()]);
            }
        }
        tally.conflicts().forEach((reason, n) -> conflicts(reason).increment(n));
        if (tally.lockWaitNanos() >= 0) {
            lockWait.record(tally.lockWaitNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void pushFailed(RuntimeException failure, long nanos) {
        pushTimers.get(StoreMetrics.result(failure)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordGroupSize(int size) {
        groupSize.record(size);
    }

    @Override
    public void pulled(RuntimeException failure, long nanos) {
        pullTimers.get(StoreMetrics.result(failure)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void lockTimedOut() {
        lockTimeouts.increment();
    }

    @Override
    public void liveWaiters(IntSupplier value) {
        this.waiters = Objects.requireNonNull(value, "waiters");
    }

    @Override
    public void headsCache(HeadsCache cache) {
        this.headsCache = Objects.requireNonNull(cache, "cache");
    }

    @Override
    public void replayStarted(ReplayMode mode) {
        replaysRunning.incrementAndGet();
    }

    @Override
    public void replayRead(ReplayMode mode, long journalOps) {
        replayOps.get(mode).increment(journalOps);
        replayRunningOps.addAndGet(journalOps);
    }

    @Override
    public void replayEnded(ReplayMode mode, ReplayReport report, long journalOps) {
        replayRunningOps.addAndGet(-journalOps);
        replaysRunning.decrementAndGet();
        replays(mode, report == null ? "failed" : report.consistent() ? "consistent" : "inconsistent").increment();
    }

    @Override
    public void purged(PurgeReport report) {
        if (report.dryRun()) {
            return;
        }
        purged.get("tombstones").increment(report.tombstones());
        purged.get("conflicts").increment(report.conflicts());
        purged.get("scope_exits").increment(report.scopeExits());
        purged.get("journal_archived").increment(report.journalArchived());
    }
}
