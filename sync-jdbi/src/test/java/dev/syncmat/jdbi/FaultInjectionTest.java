package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Backends killed mid-push. A writer pushes realistic histories of two tenants in many small
 * batches through a store whose connections carry their own application name, while a killer on
 * an admin connection terminates those backends ({@code pg_terminate_backend}) at random moments.
 * Every push either returns or fails with a retryable {@link StoreException}; a failed push left
 * all of its batch or none of it; retrying the same batch succeeds and reports what was already
 * committed as {@code duplicate}; at the end the store holds exactly the in-memory model and a
 * replay verify finds nothing. PostgreSQL only: H2 has no way to kill a session's connection from
 * outside. The timeout only keeps a hang from stalling the build.
 */
class FaultInjectionTest {
    private static final String VICTIM = "syncmat-fault-victim";
    private static final List<String> TENANTS = List.of("acme", "globex");
    private static final int MAX_ATTEMPTS = 200;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void pushesSurviveKilledBackendsAllOrNothingAndRetryIdempotently() throws Exception {
        TestDatabases.Database db = TestDatabases.postgres();
        String victimUrl = db.url() + (db.url().contains("?") ? "&" : "?") + "ApplicationName=" + VICTIM;
        SyncStore store = SyncStore.create(Jdbi.create(victimUrl, db.user(), db.password()));
        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        Jdbi admin = db.jdbi();

        Random random = new Random(20261124L);
        Map<String, CausalHistory> histories = new LinkedHashMap<>();
        Map<String, Materializer> models = new LinkedHashMap<>();
        Map<String, List<List<Op>>> batches = new LinkedHashMap<>();
        for (int t = 0; t < TENANTS.size(); t++) {
            String tenant = TENANTS.get(t);
            CausalHistory h = CausalHistories.defaults().replicas(4).objects(12).steps(700).generate(4100 + t);
            assertThat(h.ops()).as("history of %s", tenant).hasSizeGreaterThan(300);
            histories.put(tenant, h);
            models.put(tenant, Materializer.create());
            List<List<Op>> split = new ArrayList<>();
            for (int from = 0; from < h.ops().size(); ) {
                int to = Math.min(h.ops().size(), from + 1 + random.nextInt(25));
                split.add(List.copyOf(h.ops().subList(from, to)));
                from = to;
            }
            batches.put(tenant, split);
        }

        Killer killer = new Killer(admin, VICTIM);
        Thread killerThread = new Thread(killer, "backend-killer");
        killerThread.setDaemon(true);
        killerThread.start();

        Map<String, Integer> failuresByState = new TreeMap<>();
        int failures = 0;
        int failuresThatLeftNothing = 0;
        int failuresAfterCommit = 0;
        int pushes = 0;
        try {
            int rounds = batches.values().stream().mapToInt(List::size).max().orElseThrow();
            for (int i = 0; i < rounds; i++) {
                for (String tenant : TENANTS) {
                    List<List<Op>> split = batches.get(tenant);
                    if (i >= split.size()) {
                        continue;
                    }
                    List<Op> batch = split.get(i);
                    // What the store must report when this batch is taken: the model's outcomes for
                    // the same ops in the same order (the batch's ids are all new).
                    List<Outcome> firstTime = models.get(tenant).applyAll(batch).stream().map(ApplyResult::outcome).toList();
                    boolean committedByAFailedAttempt = false;
                    PushResult result = null;
                    for (int attempt = 1; result == null; attempt++) {
                        assertThat(attempt).as("attempts at batch %d of %s", i, tenant).isLessThanOrEqualTo(MAX_ATTEMPTS);
                        pushes++;
                        try {
                            result = store.push(tenant, batch);
                            killer.pushSucceeded.set(true);
                        } catch (StoreException e) {
                            failures++;
                            assertThat(e.isRetryable()).as("retryable: %s", e).isTrue();
                            assertThat(e.isConnectionLost()).as("connection lost: %s", e).isTrue();
                            assertThat(e.sqlState()).as("SQLSTATE of %s", e).isNotNull()
                                    .matches(s -> s.startsWith("08") || s.equals("57P01"),
                                            "a connection exception (08xxx) or an administrator shutdown (57P01)");
                            assertThat(e.getMessage()).contains("pushing ops for tenant \"" + tenant + "\"");
                            failuresByState.merge(e.sqlState(), 1, Integer::sum);
                            int present = journaled(admin, tenant, batch);
                            if (present == 0) {
                                assertThat(committedByAFailedAttempt).as("a committed batch disappeared").isFalse();
                                failuresThatLeftNothing++;
                            } else {
                                // The commit went through before the connection died: fine, but whole.
                                assertThat(present).as("ops of batch %d of %s in the journal after a failed push", i, tenant)
                                        .isEqualTo(batch.size());
                                if (!committedByAFailedAttempt) {
                                    failuresAfterCommit++;
                                }
                                committedByAFailedAttempt = true;
                            }
                        } catch (RuntimeException e) {
                            fail("a killed backend surfaced as something other than a StoreException", e);
                        }
                    }
                    assertThat(result.results()).extracting(OpResult::opId)
                            .containsExactlyElementsOf(batch.stream().map(Op::opId).toList());
                    List<Outcome> outcomes = result.results().stream().map(OpResult::outcome).toList();
                    if (committedByAFailedAttempt) {
                        assertThat(outcomes).as("retry of a batch that had committed").containsOnly(Outcome.DUPLICATE);
                    } else {
                        assertThat(outcomes).as("outcomes of batch %d of %s", i, tenant).isEqualTo(firstTime);
                    }
                }
            }
        } finally {
            killer.stop.set(true);
            killerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(killerThread.isAlive()).as("killer still running").isFalse();
        assertThat(killer.error.get()).as("killer failed").isNull();

        assertThat(killer.kills.get()).as("backends terminated").isPositive();
        assertThat(killer.killsInTransaction.get()).as("backends terminated inside a transaction").isPositive();
        assertThat(failures).as("pushes that failed because of a kill (by SQLSTATE: %s)", failuresByState).isPositive();
        assertThat(failuresThatLeftNothing).as("failed pushes that were rolled back").isPositive();
        System.out.printf("fault injection: %d push attempts, %d kills (%d in a transaction), %d failures %s,"
                        + " %d rolled back, %d committed before the connection died%n", pushes, killer.kills.get(),
                killer.killsInTransaction.get(), failures, failuresByState, failuresThatLeftNothing, failuresAfterCommit);

        for (String tenant : TENANTS) {
            CausalHistory h = histories.get(tenant);
            assertThat(db.count("sync_journal", tenant)).as("journal rows of %s", tenant)
                    .isEqualTo(StoreTesting.distinctOpIds(h.ops()));
            assertThat(StoreTesting.pullAll(store, tenant, PullRequest.initial().withLimit(50)).byId())
                    .as("pulled state of %s", tenant)
                    .isEqualTo(StoreTesting.expected(StoreTesting.materialize(h.ops())))
                    .isEqualTo(StoreTesting.expected(models.get(tenant)));
            ReplayReport verify = store.replay(tenant, ReplayOptions.verify());
            assertThat(verify.journalOps()).isEqualTo(h.ops().size());
            assertThat(verify.consistent()).as("replay verify of %s: %s", tenant, verify).isTrue();
        }
    }

    /** How many of the batch's op ids the tenant's journal holds, read on the admin connection. */
    private static int journaled(Jdbi admin, String tenant, List<Op> batch) {
        Set<String> ids = new HashSet<>();
        batch.forEach(op -> ids.add(op.opId()));
        return admin.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM sync_journal WHERE tenant_id = :tenant AND op_id IN (<ids>)")
                .bind("tenant", tenant).bindList("ids", new ArrayList<>(ids)).mapTo(Integer.class).one());
    }

    /**
     * Terminates every backend of the victim's application name in this database, a random few
     * milliseconds apart, until told to stop. Counts the kills, and those that hit a backend inside
     * a transaction (between a push's first statement and its commit). After a kill it waits until
     * some push has succeeded before it kills again: on a loaded machine a push can take longer than
     * the pause between kills, and without that every attempt could die and the run never finish.
     */
    private static final class Killer implements Runnable {
        private final Jdbi admin;
        private final String applicationName;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean pushSucceeded = new AtomicBoolean(true);
        final AtomicInteger kills = new AtomicInteger();
        final AtomicInteger killsInTransaction = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Killer(Jdbi admin, String applicationName) {
            this.admin = admin;
            this.applicationName = applicationName;
        }

        @Override
        public void run() {
            Random random = new Random();
            try (var h = admin.open()) {
                while (!stop.get()) {
                    Thread.sleep(random.nextInt(40));
                    if (!pushSucceeded.get()) {
                        continue;
                    }
                    h.createQuery("SELECT pg_terminate_backend(pid) AS killed, xact_start IS NOT NULL AS in_transaction"
                                    + " FROM pg_stat_activity WHERE application_name = :app AND datname = current_database()"
                                    + " AND pid <> pg_backend_pid()")
                            .bind("app", applicationName)
                            .map((rs, ctx) -> new boolean[] {rs.getBoolean("killed"), rs.getBoolean("in_transaction")})
                            .forEach(r -> {
                                if (r[0]) {
                                    pushSucceeded.set(false);
                                    kills.incrementAndGet();
                                    if (r[1]) {
                                        killsInTransaction.incrementAndGet();
                                    }
                                }
                            });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                error.set(e);
            }
        }
    }
}
