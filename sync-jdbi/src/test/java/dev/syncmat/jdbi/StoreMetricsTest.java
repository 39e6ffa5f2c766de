package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.ReplayReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The meters of a store built with a registry move by what the test did: ops by outcome, conflicts
 * by reason, calls by result, lock waits and timeouts, replayed journal entries, purged rows.
 */
class StoreMetricsTest {
    private static final String T = "t";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private record Metered(TestDatabases.Database db, SyncStore store, MeterRegistry registry, TestClock clock) {
        double counter(String name, String... tags) {
            return registry.get(name).tags(tags).counter().count();
        }

        long timerCount(String name, String... tags) {
            return registry.get(name).tags(tags).timer().count();
        }

        double gauge(String name) {
            return registry.get(name).gauge().value();
        }
    }

    private static Metered metered(TestDatabases.Kind kind) {
        return metered(kind, Duration.ofSeconds(2));
    }

    private static Metered metered(TestDatabases.Kind kind, Duration lockWaitTimeout) {
        TestDatabases.Database db = TestDatabases.create(kind);
        MeterRegistry registry = new SimpleMeterRegistry();
        TestClock clock = new TestClock(START);
        SyncStore store = SyncStore.builder(db.jdbi()).meterRegistry(registry).clock(clock).lockWaitTimeout(lockWaitTimeout).build();
        store.migrate();
        return new Metered(db, store, registry, clock);
    }

    private static Op update(String opId, String objectId, VectorClock clock, String payload) {
        return Op.update(opId, objectId, "note", clock, Payload.parse(payload));
    }

    private static List<Outcome> outcomes(List<OpResult> results) {
        return results.stream().map(OpResult::outcome).toList();
    }

    @StoreTesting.OnBothDatabases
    void pushesCountTheirOpsByOutcomeAndTheirConflictsByReason(TestDatabases.Kind kind) {
        Metered m = metered(kind);
        Op a1 = update("a1", "n1", VectorClock.of("a", 1), "{\"v\":1}");
        List<OpResult> pushed = new ArrayList<>(m.store().push(T, List.of(a1,
                update("b1", "n2", VectorClock.of("b", 1), "{\"v\":1}"),
                update("c1", "n3", VectorClock.of("c", 1), "{\"v\":1}"))).results());
        // Concurrent with a1: two updates (payload order decides) and an update against a delete.
        pushed.addAll(m.store().push(T, List.of(update("x1", "n1", VectorClock.of("x", 1), "{\"v\":2}"),
                Op.delete("d1", "n2", "note", VectorClock.of("d", 1)), a1)).results());
        pushed.addAll(m.store().push(T, List.of(update("c2", "n3", VectorClock.of("c", 2), "{\"v\":2}"),
                update("s1", "n3", VectorClock.of("c", 1), "{\"v\":3}"))).results());
        assertThat(outcomes(pushed)).containsExactly(Outcome.APPLIED, Outcome.APPLIED, Outcome.APPLIED,
                Outcome.MERGED, Outcome.MERGED, Outcome.DUPLICATE, Outcome.APPLIED, Outcome.STALE);

        assertThat(m.counter("syncmat.ops", "outcome", "applied")).isEqualTo(4);
        assertThat(m.counter("syncmat.ops", "outcome", "merged")).isEqualTo(2);
        assertThat(m.counter("syncmat.ops", "outcome", "duplicate")).isEqualTo(1);
        assertThat(m.counter("syncmat.ops", "outcome", "stale")).isEqualTo(1);
        assertThat(m.counter("syncmat.conflicts", "reason", "PAYLOAD_ORDER")).isEqualTo(1);
        assertThat(m.counter("syncmat.conflicts", "reason", "DELETE_WINS")).isEqualTo(1);
        assertThat(m.counter("syncmat.conflicts", "reason", "OP_ID_ORDER")).isZero();
        assertThat(m.timerCount("syncmat.push", "result", "ok")).isEqualTo(3);
        assertThat(m.timerCount("syncmat.lock.wait")).isEqualTo(3);
        assertThat(m.registry().get("syncmat.push.group.size").summary().count()).isEqualTo(3);
        assertThat(m.registry().get("syncmat.push.group.size").summary().totalAmount()).isEqualTo(3);
        assertThat(m.counter("syncmat.lock.timeouts")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void aRejectedPushIsTimedAsInvalidAndCountsNoOps(TestDatabases.Kind kind) {
        Metered m = metered(kind);
        Op a1 = update("a1", "n1", VectorClock.of("a", 1), "{\"v\":1}");
        assertThatThrownBy(() -> m.store().push("", List.of(a1))).isInstanceOf(InvalidInputException.class);
        m.store().push(T, List.of(a1));
        // The same op id with other content rejects the whole push, after the tenant's lock was taken.
        assertThatThrownBy(() -> m.store().push(T, List.of(update("a1", "n1", VectorClock.of("a", 1), "{\"v\":9}"),
                update("a2", "n9", VectorClock.of("a", 2), "{\"v\":1}")))).isInstanceOf(InvalidInputException.class);

        assertThat(m.timerCount("syncmat.push", "result", "invalid")).isEqualTo(2);
        assertThat(m.timerCount("syncmat.push", "result", "ok")).isEqualTo(1);
        assertThat(m.counter("syncmat.ops", "outcome", "applied")).isEqualTo(1);
        assertThat(m.registry().get("syncmat.push.group.size").summary().count()).isEqualTo(1);
    }

    @StoreTesting.OnBothDatabases
    void pullsAreTimedByResult(TestDatabases.Kind kind) {
        Metered m = metered(kind);
        m.store().push(T, List.of(update("a1", "n1", VectorClock.of("a", 1), "{\"v\":1}")));
        m.store().pull(T, PullRequest.initial());
        m.store().pull(T, PullRequest.initial());
        assertThatThrownBy(() -> m.store().pull(T, PullRequest.since("not-a-cursor"))).isInstanceOf(InvalidInputException.class);
        assertThat(m.timerCount("syncmat.pull", "result", "ok")).isEqualTo(2);
        assertThat(m.timerCount("syncmat.pull", "result", "invalid")).isEqualTo(1);
        assertThat(m.timerCount("syncmat.pull", "result", "failed")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void aPushThatGivesUpOnTheTenantLockCountsATimeout(TestDatabases.Kind kind) {
        Metered m = metered(kind, Duration.ofMillis(200));
        m.store().push(T, List.of(update("a1", "n1", VectorClock.of("a", 1), "{\"v\":1}")));
        try (Handle holder = m.db().jdbi().open()) {
            holder.begin();
            holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = 't' FOR UPDATE").mapTo(Long.class).one();
            assertThatThrownBy(() -> m.store().push(T, List.of(update("b1", "n1", VectorClock.of("b", 1), "{\"v\":2}"))))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isLockTimeout()).isTrue());
            holder.rollback();
        }
        assertThat(m.counter("syncmat.lock.timeouts")).isEqualTo(1);
        assertThat(m.timerCount("syncmat.push", "result", "failed")).isEqualTo(1);
        assertThat(m.timerCount("syncmat.lock.wait")).as("waits that got the lock").isEqualTo(1);
        assertThat(m.counter("syncmat.ops", "outcome", "merged")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void replaysCountTheJournalEntriesTheyReadAndHowTheyEnded(TestDatabases.Kind kind) {
        Metered m = metered(kind);
        List<Op> ops = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ops.add(update("a" + i, "n" + i, VectorClock.of("a", i), "{\"v\":" + i + "}"));
        }
        m.store().push(T, ops);
        List<Long> seen = new ArrayList<>();
        ReplayReport verified = m.store().replay(T, ReplayOptions.verify().withPageSize(2).withProgress(p -> seen.add(p.journalOps())));
        assertThat(verified.consistent()).isTrue();
        // The caller's own progress callback still sees every page.
        assertThat(seen).containsExactly(2L, 4L, 5L);
        m.db().jdbi().useHandle(h -> h.execute("UPDATE sync_objects SET payload = '{\"v\":99}' WHERE tenant_id = 't' AND object_id = 'n3'"));
        assertThat(m.store().replay(T, ReplayOptions.rebuild()).changed()).containsExactly("n3");

        assertThat(m.counter("syncmat.replay.ops", "mode", "verify")).isEqualTo(5);
        assertThat(m.counter("syncmat.replay.ops", "mode", "rebuild")).isEqualTo(5);
        assertThat(m.counter("syncmat.replays", "mode", "verify", "result", "consistent")).isEqualTo(1);
        assertThat(m.counter("syncmat.replays", "mode", "rebuild", "result", "inconsistent")).isEqualTo(1);
        assertThat(m.counter("syncmat.replays", "mode", "rebuild", "result", "consistent")).isZero();
        assertThat(m.gauge("syncmat.replay.running")).isZero();
        assertThat(m.gauge("syncmat.replay.running.ops")).isZero();
    }

    @StoreTesting.OnBothDatabases
    void aPurgeCountsTheRowsItRemoved(TestDatabases.Kind kind) {
        Metered m = metered(kind);
        m.store().push(T, List.of(update("a1", "n1", VectorClock.of("a", 1), "{\"v\":1}"),
                update("b1", "n2", VectorClock.of("b", 1), "{\"v\":1}")));
        m.store().push(T, List.of(Op.delete("a2", "n1", "note", VectorClock.of("a", 2))));
        m.clock().now = START.plusSeconds(3600);
        m.store().purge(T, PurgeOptions.before(START.plusSeconds(60)).withDryRun(true));
        assertThat(m.counter("syncmat.purge.rows", "kind", "tombstones")).as("a dry run").isZero();
        PurgeReport report = m.store().purge(T, PurgeOptions.before(START.plusSeconds(60)));
        assertThat(report.tombstones()).isEqualTo(1);
        assertThat(m.counter("syncmat.purge.rows", "kind", "tombstones")).isEqualTo(1);
        assertThat(m.counter("syncmat.purge.rows", "kind", "journal_archived")).isZero();
    }

    @Test
    void liveWaitersAreZeroUntilTheirSourceIsSet() {
        MeterRegistry registry = new SimpleMeterRegistry();
        StoreMetrics metrics = MicrometerStoreMetrics.supplier(registry).get();
        assertThat(registry.get("syncmat.pull.waiters").gauge().value()).isZero();
        metrics.liveWaiters(() -> 3);
        assertThat(registry.get("syncmat.pull.waiters").gauge().value()).isEqualTo(3);
    }

    /** Two stores on one registry: the gauges add both up, as the counters do, not only the first store's. */
    @Test
    void gaugesAddUpEveryStoreOfTheRegistry() {
        MeterRegistry registry = new SimpleMeterRegistry();
        StoreMetrics first = MicrometerStoreMetrics.supplier(registry).get();
        StoreMetrics second = MicrometerStoreMetrics.supplier(registry).get();
        first.liveWaiters(() -> 3);
        second.liveWaiters(() -> 4);
        assertThat(registry.get("syncmat.pull.waiters").gauge().value()).isEqualTo(7);
        second.replayStarted(dev.syncmat.core.protocol.ReplayMode.VERIFY);
        second.replayRead(dev.syncmat.core.protocol.ReplayMode.VERIFY, 10);
        first.replayStarted(dev.syncmat.core.protocol.ReplayMode.REBUILD);
        first.replayRead(dev.syncmat.core.protocol.ReplayMode.REBUILD, 5);
        assertThat(registry.get("syncmat.replay.running").gauge().value()).isEqualTo(2);
        assertThat(registry.get("syncmat.replay.running.ops").gauge().value()).isEqualTo(15);
        // Another registry sees nothing of them.
        MeterRegistry other = new SimpleMeterRegistry();
        MicrometerStoreMetrics.supplier(other).get();
        assertThat(other.get("syncmat.pull.waiters").gauge().value()).isZero();
    }

    @Test
    void everyMeterIsRegisteredBeforeTheFirstCall() {
        MeterRegistry registry = new SimpleMeterRegistry();
        SyncStore.builder(TestDatabases.h2().jdbi()).meterRegistry(registry).build();
        // The simple registry shows a summary's buckets as a gauge of its own, ".histogram".
        assertThat(registry.getMeters().stream().map(meter -> meter.getId().getName())
                .filter(name -> !name.endsWith(".histogram")).distinct().sorted())
                .containsExactly("syncmat.conflicts", "syncmat.heads.cache.changed", "syncmat.heads.cache.chars",
                        "syncmat.heads.cache.hits", "syncmat.lock.timeouts", "syncmat.lock.wait", "syncmat.ops",
                        "syncmat.pull", "syncmat.pull.waiters", "syncmat.purge.rows", "syncmat.push",
                        "syncmat.push.group.size", "syncmat.replay.ops", "syncmat.replay.running",
                        "syncmat.replay.running.ops", "syncmat.replays");
    }

    @Test
    void theHeadsCacheReportsItsHitsChangesAndSize() {
        MeterRegistry registry = new SimpleMeterRegistry();
        TestDatabases.Database db = TestDatabases.h2();
        SyncStore store = SyncStore.builder(db.jdbi()).meterRegistry(registry).build();
        store.migrate();
        List<Op> heads = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            heads.add(StoreTesting.update("h" + i, "o", "note", VectorClock.of("w" + i, 1), "{\"n\":" + i + "}"));
        }
        store.push("t", heads);
        for (int k = 0; k < 3; k++) {
            store.push("t", List.of(StoreTesting.update("k" + k, "o", "note", VectorClock.of("w" + k, 2), "\"k\"")));
        }
        // Each push after the first found the heads and the aliases (150 actors make one) the one before left.
        assertThat(registry.get("syncmat.heads.cache.hits").tag("part", "heads").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("syncmat.heads.cache.hits").tag("part", "aliases").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("syncmat.heads.cache.hits").tag("part", "payloads").functionCounter().count())
                .isEqualTo(store.headsCache().payloadHits()).isPositive();
        assertThat(registry.get("syncmat.heads.cache.changed").functionCounter().count()).isZero();
        String text = db.jdbi().withHandle(h -> h.createQuery("SELECT other_heads FROM sync_objects WHERE tenant_id = 't'")
                .mapTo(String.class).one());
        assertThat(registry.get("syncmat.heads.cache.chars").gauge().value()).isGreaterThanOrEqualTo(text.length());
        // Another store changes the row; the next push of this one reads it again and counts the change.
        SyncStore.create(db.jdbi()).push("t", List.of(StoreTesting.update("x", "o", "note", VectorClock.of("w100", 2), "\"x\"")));
        store.push("t", List.of(StoreTesting.update("k3", "o", "note", VectorClock.of("w3", 2), "\"k\"")));
        assertThat(registry.get("syncmat.heads.cache.changed").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("syncmat.heads.cache.hits").tag("part", "heads").functionCounter().count()).isEqualTo(3);
    }
}
