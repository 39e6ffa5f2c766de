package dev.syncmat.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.examples.testing.StoreReads;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load driver, bounded in count: 4 writers x 40 pushes on 8 hot objects of one tenant and 2
 * followers pulling by cursor, on H2 and on PostgreSQL. Nothing is lost or skipped, nothing hangs,
 * and every push eventually succeeds. Expected states come from the core's {@link Materializer}
 * over the ops the writers generated, never from the store. Timeouts only keep a hang or deadlock
 * from stalling the build (the driver reports threads still running after its own join timeout).
 */
class LoadTest {
    private static final String TENANT = "load";
    private static final int WRITERS = 4;
    private static final int FOLLOWERS = 2;
    private static final int PUSHES = 40;
    private static final int RETRIED_PUSHES = 20;
    /**
     * The store's lock-wait timeout in the retried case: pushes waiting while the test holds the
     * tenant's lock give up after it, pushes waiting only for each other (a few ms each) seldom do.
     * Not much shorter: a push may need as many attempts as it takes to find the lock free the moment
     * it asks, and on a busy machine with a 1 ms timeout that came close to the driver's 100.
     */
    private static final Duration LOCK_WAIT = Duration.ofMillis(100);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void writersOnHotObjectsAndFollowersByCursorLoseAndSkipNothing(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        try (HikariDataSource pool = pool(db, db.url())) {
            SyncStore store = SyncStore.create(Jdbi.create(pool));
            store.migrate();
            LoadDriver driver = driver(store, 11, PUSHES);
            LoadDriver.Result result = driver.run();

            assertEverythingAgrees(db, store, driver, result, PUSHES);
        }
    }

    /**
     * The same load while a transaction of the test holds the tenant's counter row: the writers'
     * first pushes give up waiting for it (after the store's lock-wait timeout) and are retried with
     * the same ops, and once the test lets go, every push succeeds. The test lets go only after the
     * driver has counted as many retries as there are writers, so that the retries do not depend on
     * how the threads are scheduled; pushes that wait for each other longer than the timeout on a
     * busy machine are retried the same way. (The store sets its own lock-wait timeout on every
     * transaction, so one in the JDBC URL would not count.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void pushesThatTimeOutOnTheTenantLockAreRetriedUntilEveryOneSucceeds(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        try (HikariDataSource pool = pool(db, db.url())) {
            SyncStore store = SyncStore.builder(Jdbi.create(pool)).lockWaitTimeout(LOCK_WAIT).build();
            store.migrate();
            // Creates the tenant's counter row without ops, so that there is a row to hold.
            store.push(TENANT, List.of());
            LoadDriver driver = driver(store, 12, RETRIED_PUSHES);
            LoadDriver.Result result = runHoldingTheTenantLock(db, store, driver, WRITERS);

            assertThat(result.pushRetries()).as("pushes retried after a lock timeout (failures: %s)", result.failures())
                    .isGreaterThanOrEqualTo(WRITERS);
            Set<String> states = result.retriesBySqlState().keySet();
            if (kind == TestDatabases.Kind.H2) {
                assertThat(states).as("SQLSTATEs of the retried failures").containsOnly("HYT00");
            } else {
                // PostgreSQL now and then reports a lock-wait timeout as 57014 ("canceling statement
                // due to user request", while locking the tuple) rather than 55P03: when the timeout
                // fires just as the statement's wait for the row's tuple lock ends, and the statement
                // then waits for the transaction holding the row. Nobody cancels anything here.
                assertThat(states).as("SQLSTATEs of the retried failures").contains("55P03").isSubsetOf("55P03", "57014");
            }
            assertThat(result.records()).anyMatch(r -> r.attempts() > 1);
            assertEverythingAgrees(db, store, driver, result, RETRIED_PUSHES);
        }
    }

    /**
     * Runs {@code driver} while a transaction on a connection of its own holds the tenant's counter
     * row, until the driver has counted {@code retries} push retries (or the run ended, or a minute
     * passed), then rolls that transaction back and waits for the run.
     */
    private static LoadDriver.Result runHoldingTheTenantLock(TestDatabases.Database db, SyncStore store, LoadDriver driver,
                                                             int retries) throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<LoadDriver.Result> run;
            try (Handle holder = db.jdbi().open()) {
                holder.begin();
                // An empty push locks the row for the rest of the holder's transaction and writes nothing.
                store.push(holder, TENANT, List.of());
                run = runner.submit(driver::run);
                long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (driver.progress().pushRetries() < retries && !run.isDone() && System.nanoTime() - giveUp < 0) {
                    Thread.sleep(1);
                }
                holder.rollback();
            }
            return run.get(2, TimeUnit.MINUTES);
        } finally {
            runner.shutdownNow();
        }
    }

    private static HikariDataSource pool(TestDatabases.Database db, String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(WRITERS + FOLLOWERS + 1);
        return new HikariDataSource(config);
    }

    private static LoadDriver driver(SyncStore store, long seed, int pushes) {
        return LoadDriver.builder(store).tenant(TENANT).writers(WRITERS).followers(FOLLOWERS).hotObjects(8).maxBatch(8)
                .pushesPerWriter(pushes).seed(seed).build();
    }

    private static void assertEverythingAgrees(TestDatabases.Database db, SyncStore store, LoadDriver driver,
                                               LoadDriver.Result result, int pushes) {
        assertThat(result.unfinished()).as("threads still running after the join timeout (hang or deadlock)").isEmpty();
        assertThat(result.failures()).as("failures not recovered from").isEmpty();
        assertThat(result.anomalies()).as("invariants broken during the run").isEmpty();
        assertThat(result.anomalyCount()).isZero();

        // Every planned push succeeded in the end, each writer's in order.
        assertThat(result.records()).hasSize(WRITERS * pushes);
        assertThat(result.pushes()).isEqualTo(WRITERS * pushes);
        Map<String, Integer> perWriter = new HashMap<>();
        result.records().forEach(r -> perWriter.merge(r.writer(), 1, Integer::sum));
        assertThat(perWriter).containsOnlyKeys("w1", "w2", "w3", "w4").allSatisfy((w, n) -> assertThat(n).isEqualTo(pushes));

        List<Op> pushed = new ArrayList<>();
        int merged = 0;
        for (LoadDriver.PushRecord r : result.records()) {
            pushed.addAll(r.ops());
            assertThat(r.results()).extracting(OpResult::opId).containsExactlyElementsOf(r.ops().stream().map(Op::opId).toList());
            List<Outcome> outcomes = r.results().stream().map(OpResult::outcome).toList();
            if (r.attempts() == 1) {
                assertThat(outcomes).as("first attempt of fresh ops").doesNotContain(Outcome.DUPLICATE);
            } else if (outcomes.contains(Outcome.DUPLICATE)) {
                assertThat(outcomes).as("a retry finds all of its batch stored or none").containsOnly(Outcome.DUPLICATE);
            }
            merged += (int) outcomes.stream().filter(o -> o == Outcome.MERGED).count();
        }
        Set<String> ids = new HashSet<>();
        pushed.forEach(op -> ids.add(op.opId()));
        assertThat(ids).as("op ids are fresh").hasSize(pushed.size());
        assertThat(result.ops()).isEqualTo(pushed.size());
        assertThat(merged).as("ops merged beside a concurrent head: the writers did contend on the objects").isPositive();

        Materializer model = Materializer.create();
        pushed.forEach(model::apply);
        Map<String, MaterializedObject> expected = StoreReads.materialized(model);
        assertThat(expected).hasSize(8);

        Map<String, MaterializedObject> full = StoreReads.pullAll(store, TENANT, 3);
        assertThat(full).as("a full pull").isEqualTo(expected);
        assertThat(result.followerStates()).hasSize(FOLLOWERS)
                .allSatisfy(seen -> assertThat(seen).as("a follower's map after its final pass").isEqualTo(expected));
        assertThat(result.model()).as("the driver's own model").isEqualTo(expected);
        assertThat(db.count("sync_journal", TENANT)).as("journal rows").isEqualTo(pushed.size());
        assertThat(store.replay(TENANT, ReplayOptions.verify()).consistent()).isTrue();

        LoadDriver.Check check = driver.check(result);
        assertThat(check).isEqualTo(new LoadDriver.Check(8, true, true, pushed.size(), true, true));
        String summary = LoadDriver.summaryJson(result, check);
        System.out.println("load run on " + db.kind() + ": " + summary);
        assertThat(summary).contains("\"ok\":true").contains("\"ops\":" + pushed.size());
    }
}
