package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.SyncProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Live pulls: a pull with {@code waitMs} that finds nothing new in its scope waits for a push of
 * its tenant (from another store on the same database, or on PostgreSQL from another process),
 * and answers with exactly that change, or empty with its cursor at the deadline. Nothing here
 * asserts a duration: a wait either completes with the expected page or fails the generous
 * {@link #DEADLINE}.
 */
class LivePullTest {
    private static final String T = "tenant-1";
    private static final String U = "tenant-2";
    /** Far beyond any wait a test asks for: reaching it means the pull was never answered. */
    private static final long DEADLINE = 60;
    private static final long LONG_WAIT = 30_000;

    private static PullResponse answer(CompletableFuture<PullResponse> page) throws Exception {
        return page.get(DEADLINE, TimeUnit.SECONDS);
    }

    private static List<String> ids(PullResponse page) {
        return page.objects().stream().map(MaterializedObject::objectId).toList();
    }

    /** Waits, without racing on a sleep, until {@code condition} holds, or fails after {@link #DEADLINE}. */
    static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited for: " + what).isNegative();
            Thread.sleep(5);
        }
    }

    @StoreTesting.OnBothDatabases
    void waitingPullIsWokenByAPushThroughAnotherStoreAndHonoursItsScope(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        try (SyncStore other = SyncStore.create(f.db().jdbi())) {
            f.store().push(T, List.of(update("n1-1", "n1", "note", VectorClock.of("a", 1), "1")));
            String cursor = f.store().pull(T, PullRequest.initial()).serverCursor();
            PullRequest notes = PullRequest.since(cursor).withScope(new Scope(List.of("note"), List.of(), List.of()))
                    .withWaitMs(LONG_WAIT);

            CompletableFuture<PullResponse> waiting = f.store().pullAsync(T, notes);
            CompletableFuture<PullResponse> otherTenant = f.store().pullAsync(U, PullRequest.initial().withWaitMs(LONG_WAIT));
            assertThat(waiting).as("nothing new in the scope: the pull waits").isNotDone();
            assertThat(otherTenant).as("an empty tenant: the pull waits").isNotDone();
            assertThat(f.store().livePulls().waiting()).isEqualTo(2);

            // Outside the scope: it wakes the waiter, whose run finds nothing and waits on.
            other.push(T, List.of(update("t1-1", "t1", "task", VectorClock.of("a", 1), "2")));
            // In the scope, through the other store.
            other.push(T, List.of(update("n2-1", "n2", "note", VectorClock.of("a", 1), "3")));

            PullResponse page = answer(waiting);
            assertThat(ids(page)).containsExactly("n2");
            assertThat(page.removed()).isEmpty();
            assertThat(page.serverCursor()).isEqualTo(f.store().headCursor(T));
            assertThat(otherTenant).as("a push of another tenant wakes nobody here").isNotDone();

            other.push(U, List.of(update("u1-1", "u1", "note", VectorClock.of("a", 1), "4")));
            assertThat(ids(answer(otherTenant))).containsExactly("u1");
            awaitCondition("answered pulls leave", () -> f.store().livePulls().waiting() == 0);
        }
        f.store().close();
    }

    @StoreTesting.OnBothDatabases
    void waitingPullTimesOutEmptyWithItsCursor(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, List.of(update("n1-1", "n1", "note", VectorClock.of("a", 1), "1")));
        String cursor = f.store().pull(T, PullRequest.initial()).serverCursor();

        PullResponse page = answer(f.store().pullAsync(T, PullRequest.since(cursor).withWaitMs(200)));

        assertThat(page.objects()).isEmpty();
        assertThat(page.removed()).isEmpty();
        assertThat(page.hasMore()).isFalse();
        assertThat(page.serverCursor()).isEqualTo(cursor);
        awaitCondition("the expired pull leaves", () -> f.store().livePulls().waiting() == 0);
        f.store().close();
    }

    @StoreTesting.OnBothDatabases
    void pullThatHasChangesAnswersAtOnce(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, List.of(update("n1-1", "n1", "note", VectorClock.of("a", 1), "1")));

        CompletableFuture<PullResponse> page = f.store().pullAsync(T, PullRequest.initial().withWaitMs(LONG_WAIT));

        assertThat(page).isDone();
        assertThat(ids(page.join())).containsExactly("n1");
        assertThat(f.store().livePulls().waiting()).isZero();
        f.store().close();
    }

    @StoreTesting.OnBothDatabases
    void blockingPullWithWaitMsReturnsThePushedChange(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        String cursor = f.store().headCursor(T);
        CompletableFuture<PullResponse> blocking = CompletableFuture.supplyAsync(
                () -> f.store().pull(T, PullRequest.since(cursor).withWaitMs(LONG_WAIT)));
        awaitCondition("the blocking pull waits", () -> f.store().livePulls().waiting() == 1);

        f.store().push(T, List.of(update("n1-1", "n1", "note", VectorClock.of("a", 1), "1")));

        assertThat(ids(answer(blocking))).containsExactly("n1");
        f.store().close();
    }

    @StoreTesting.OnBothDatabases
    void waitIsCutToTheStoresCap(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        try (SyncStore store = SyncStore.builder(db.jdbi()).maxPullWait(Duration.ofMillis(100)).build()) {
            store.migrate();
            String cursor = store.headCursor(T);
            // An hour asked for; the cap answers it well within the test's deadline.
            PullResponse page = answer(store.pullAsync(T, PullRequest.since(cursor).withWaitMs(3_600_000)));
            assertThat(page.objects()).isEmpty();
            assertThat(page.serverCursor()).isEqualTo(cursor);
        }
    }

    @StoreTesting.OnBothDatabases
    void pullsPastTheWaiterBoundAreRefusedRetryably(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        try (SyncStore store = SyncStore.builder(db.jdbi()).maxLiveWaiters(2).build()) {
            store.migrate();
            PullRequest wait = PullRequest.initial().withWaitMs(LONG_WAIT);
            CompletableFuture<PullResponse> a = store.pullAsync(T, wait);
            CompletableFuture<PullResponse> b = store.pullAsync(U, wait);

            assertThatThrownBy(() -> store.pullAsync(T, wait)).isInstanceOfSatisfying(TooManyWaitersException.class,
                    e -> assertThat(e.isRetryable()).isTrue());
            assertThat(store.livePulls().waiting()).isEqualTo(2);

            // A cancelled wait gives its place back.
            a.cancel(false);
            CompletableFuture<PullResponse> c = store.pullAsync(T, wait);
            assertThat(c).isNotDone();
            assertThat(b).isNotDone();
            // Closing the store answers every wait with its empty page.
            store.close();
            assertThat(c.join().objects()).isEmpty();
            assertThat(b.join().objects()).isEmpty();
            assertThat(store.livePulls().waiting()).isZero();
        }
    }

    @StoreTesting.OnBothDatabases
    void badWaitMsIsRefusedNamingTheField(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncProtocol protocol = SyncProtocol.create();
        assertThatThrownBy(() -> PullRequest.initial().withWaitMs(-1)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> {
                    assertThat(e.field()).isEqualTo("waitMs");
                    assertThat(e.getMessage()).contains("-1");
                });
        for (String body : List.of("{\"waitMs\":-5}", "{\"waitMs\":1.5}", "{\"waitMs\":\"100\"}", "{\"waitMs\":true}",
                "{\"waitMs\":1e3}", "{\"waitMs\":99999999999999999999}")) {
            assertThatThrownBy(() -> protocol.readPullRequest(body)).as(body)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("waitMs"));
        }
        assertThat(protocol.readPullRequest("{\"waitMs\":2500}").waitMs()).isEqualTo(2500L);
        assertThat(protocol.readPullRequest("{\"waitMs\":null}").waits()).isFalse();
        // A bad request next to the wait is refused before anything waits.
        assertThatThrownBy(() -> f.store().pullAsync(T, PullRequest.since("bogus").withWaitMs(LONG_WAIT)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("sinceCursor"));
        assertThat(f.store().livePulls().waiting()).isZero();
    }

    static List<TestDatabases.Kind> serverKinds() {
        return TestDatabases.serverKinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverKinds")
    void pushFromAnotherProcessWakesTheWaiter(TestDatabases.Kind kind) throws Exception {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        String cursor = f.store().headCursor(T);
        CompletableFuture<PullResponse> waiting = f.store().pullAsync(T, PullRequest.since(cursor).withWaitMs(LONG_WAIT));
        assertThat(waiting).isNotDone();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                LivePushMain.class.getName(), f.db().url(), f.db().user(), f.db().password(), T, "far", "note"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(DEADLINE, TimeUnit.SECONDS)).as("the pushing process ended").isTrue();
        assertThat(process.exitValue()).isZero();

        assertThat(ids(answer(waiting))).containsExactly("far");
        f.store().close();
    }

    private static Integer listenerPid(StoreTesting.Fixture f) {
        return f.db().jdbi().withHandle(h -> h.createQuery("SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                        + "AND datname = current_database()").bind("name", PgListener.APPLICATION_NAME)
                .mapTo(Integer.class).findOne().orElse(null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverKinds")
    void killedListenConnectionIsReopenedAndWaitersStillSeeChanges(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        // Polling while the listener is down would answer too, but not within this test: after the
        // kill only the reconnect's run and then NOTIFY itself can answer the waits below.
        try (SyncStore store = SyncStore.builder(db.jdbi()).livePollInterval(Duration.ofMinutes(10)).build()) {
            store.migrate();
            StoreTesting.Fixture f = new StoreTesting.Fixture(db, store);
            String cursor = store.headCursor(T);
            CompletableFuture<PullResponse> before = store.pullAsync(T, PullRequest.since(cursor).withWaitMs(LONG_WAIT));
            awaitCondition("the LISTEN connection is open", () -> store.livePulls().listening() && listenerPid(f) != null);
            int killed = listenerPid(f);

            boolean terminated = db.jdbi().withHandle(h -> h.createQuery("SELECT pg_terminate_backend(:pid)")
                    .bind("pid", killed).mapTo(Boolean.class).one());
            assertThat(terminated).isTrue();
            store.push(T, List.of(update("n1-1", "n1", "note", VectorClock.of("a", 1), "1")));

            // Pushed after the kill, while the store may not be listening: the wait still ends with it.
            assertThat(ids(answer(before))).containsExactly("n1");

            awaitCondition("a new LISTEN connection is open", () -> {
                Integer pid = listenerPid(f);
                return store.livePulls().listening() && pid != null && pid != killed;
            });
            String head = store.headCursor(T);
            CompletableFuture<PullResponse> after = store.pullAsync(T, PullRequest.since(head).withWaitMs(LONG_WAIT));
            assertThat(after).isNotDone();
            store.push(T, List.of(update("n2-1", "n2", "note", VectorClock.of("a", 1), "2")));
            assertThat(ids(answer(after))).as("woken by NOTIFY on the new connection").containsExactly("n2");
        }
    }
}
