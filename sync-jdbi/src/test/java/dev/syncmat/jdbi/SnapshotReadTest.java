package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.testing.CausalHistories;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads that span several statements see one snapshot while pushes of the same tenant commit
 * around them: a pull (the head, then the objects up to it) and a replay verify (the journal, then
 * the stored objects and conflicts). Each test races a pushing thread against the reads; the
 * outcome is asserted, and the timeouts only keep a hang from stalling the build.
 */
class SnapshotReadTest {
    private static final String T = "tenant-1";
    private static final int HOT = 4;

    /**
     * A client pushes an op, then pulls from its cursor until {@code hasMore} is false, 150 times,
     * while another client keeps changing the same few objects: every time, the object it wrote
     * must come back with a context that covers its op.
     */
    @StoreTesting.OnBothDatabases
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPullThatHasCaughtUpShowsEveryPushAcknowledgedBeforeIt(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture fresh = StoreTesting.fresh(kind);
        ThreadConnections connections = new ThreadConnections(fresh.db());
        StoreTesting.Fixture f = new StoreTesting.Fixture(fresh.db(), SyncStore.create(Jdbi.create(connections)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger churned = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> churn = pool.submit(() -> {
                // Each op dominates the previous churn op of its object and is concurrent with the reader's.
                for (long n = 1; !stop.get(); n++) {
                    String object = "hot-" + (n % HOT);
                    f.store().push(T, List.of(Op.update("churn-" + n, object, "note", VectorClock.of("churn", n),
                            Payload.parse(Long.toString(n)))));
                    churned.incrementAndGet();
                }
                return null;
            });
            Map<String, MaterializedObject> seen = new HashMap<>();
            String cursor = null;
            int pages = 0;
            for (int k = 1; k <= 150; k++) {
                String object = "hot-" + (k % HOT);
                f.store().push(T, List.of(Op.update("reader-" + k, object, "note", VectorClock.of("reader", k),
                        Payload.parse("\"r" + k + "\""))));
                PullResponse page;
                do {
                    page = f.store().pull(T, new PullRequest(cursor, Scope.all(), 2));
                    page.objects().forEach(o -> seen.put(o.objectId(), o));
                    cursor = page.serverCursor();
                    pages++;
                } while (page.hasMore());
                assertThat(seen.get(object)).as("%s after the pull that followed push %d", object, k).isNotNull();
                assertThat(seen.get(object).context().get("reader"))
                        .as("reader's counter in the context of %s after the pull that followed push %d", object, k)
                        .isGreaterThanOrEqualTo(k);
            }
            stop.set(true);
            churn.get(60, TimeUnit.SECONDS);
            assertThat(churned.get()).as("pushes by the other client").isPositive();
            assertThat(pages).isGreaterThan(150);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            connections.closeAll();
        }
    }

    /**
     * One connection per thread, kept open between handles: the race needs many quick round
     * trips, and opening a PostgreSQL connection per call would make the test slow.
     */
    private static final class ThreadConnections implements ConnectionFactory {
        private final TestDatabases.Database db;
        private final ThreadLocal<Connection> mine = new ThreadLocal<>();
        private final List<Connection> all = new CopyOnWriteArrayList<>();

        ThreadConnections(TestDatabases.Database db) {
            this.db = db;
        }

        @Override
        public Connection openConnection() throws SQLException {
            Connection c = mine.get();
            if (c == null) {
                c = DriverManager.getConnection(db.url(), db.user(), db.password());
                mine.set(c);
                all.add(c);
            }
            return c;
        }

        @Override
        public void closeConnection(Connection toClose) {
            // kept for the thread's next handle
        }

        void closeAll() throws SQLException {
            for (Connection c : all) {
                c.close();
            }
        }
    }

    /** Replay verify, run again and again while a realistic history is pushed, never reports a difference. */
    @StoreTesting.OnBothDatabases
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void replayVerifyDuringPushesReportsNoDifference(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        List<Op> ops = CausalHistories.defaults().replicas(4).objects(6).steps(600).generate(5).ops();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<ReplayReport> inconsistent = new ArrayList<>();
        int runs = 0;
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int i = 0; i < ops.size(); i += 3) {
                        f.store().push(T, ops.subList(i, Math.min(ops.size(), i + 3)));
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            while (!done.get()) {
                ReplayReport report = f.store().replay(T, ReplayOptions.verify().withPageSize(50));
                runs++;
                if (!report.consistent()) {
                    inconsistent.add(report);
                }
            }
            writer.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(inconsistent).as("verify reports with differences, of %d", runs).isEmpty();
        assertThat(runs).as("verifies while the pushes ran").isGreaterThan(1);
        ReplayReport last = f.store().replay(T, ReplayOptions.verify());
        assertThat(last.consistent()).isTrue();
        assertThat(last.journalOps()).isEqualTo(StoreTesting.distinctOpIds(ops));
    }
}
