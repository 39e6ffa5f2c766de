package dev.syncmat.examples.http;

import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live pulls over HTTP: waiting pulls hold no store thread and no tenant permit, so many more of
 * them wait than the service has threads or the tenant has permits, and a push still gets through
 * and wakes them all with its change. Deterministic: the test waits until the store counts the
 * pulls as waiting before it pushes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LivePullHttpTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final int WAITERS = 20;
    private final HttpClient http = HttpTesting.client();
    private SyncHttpService service;
    private SyncStore store;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void start(TestDatabases.Kind kind) throws Exception {
        TestDatabases.Database db = TestDatabases.create(kind);
        store = SyncStore.create(db.jdbi());
        store.migrate();
        // Two store threads and one permit per tenant: far fewer than the pulls that will wait.
        service = SyncHttpService.start(store, HttpTesting.TOKENS,
                ServiceOptions.builder().threads(2).tenantConcurrency(1).build());
    }

    private CompletableFuture<HttpTesting.Reply> pull(String body) {
        return HttpTesting.sendAsync(http, service.port(), "POST", "/api/sync/v2/pull", "tok-a", body, LONG);
    }

    private void awaitWaiting(int n) throws InterruptedException {
        long end = System.nanoTime() + LONG.toNanos();
        while (store.livePulls().waiting() != n) {
            assertThat(System.nanoTime() - end).as("pulls waiting: %d of %d", store.livePulls().waiting(), n).isNegative();
            Thread.sleep(5);
        }
    }

    /**
     * Sends a live pull until it is the {@code n}th waiting. The tenant's one permit is given back
     * only after the previous answer was written, so a pull sent right after it may be refused 503
     * {@code tenant_busy}; it is sent again, as a client would.
     */
    private CompletableFuture<HttpTesting.Reply> waitingPull(String body, int n) throws InterruptedException {
        long end = System.nanoTime() + LONG.toNanos();
        while (true) {
            CompletableFuture<HttpTesting.Reply> reply = pull(body);
            while (store.livePulls().waiting() != n) {
                if (reply.isDone() && reply.join().status() == 503
                        && "tenant_busy".equals(reply.join().json().at("/error/code").textValue())) {
                    break;
                }
                assertThat(System.nanoTime() - end).as("pulls waiting: %d of %d", store.livePulls().waiting(), n).isNegative();
                Thread.sleep(5);
            }
            if (store.livePulls().waiting() == n) {
                return reply;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void manyWaitingPullsHoldNoThreadOrPermitAndAreWokenByOnePush(TestDatabases.Kind kind) throws Exception {
        start(kind);
        String cursor = HttpTesting.pull(http, service.port(), "tok-a").json().get("serverCursor").textValue();
        List<CompletableFuture<HttpTesting.Reply>> waiting = new ArrayList<>();
        for (int i = 1; i <= WAITERS; i++) {
            // One at a time: the first page of each is read under the tenant's single permit.
            waiting.add(waitingPull("{\"sinceCursor\":\"" + cursor + "\",\"waitMs\":30000}", i));
        }
        HttpTesting.Reply pushed = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-a",
                HttpTesting.pushBody("n1-1", "n1"), LONG);
        assertThat(pushed.status()).isEqualTo(200);

        for (CompletableFuture<HttpTesting.Reply> w : waiting) {
            HttpTesting.Reply r = w.get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("objects")).hasSize(1);
            assertThat(r.json().at("/objects/0/objectId").textValue()).isEqualTo("n1");
            assertThat(r.json().get("serverCursor").textValue()).isEqualTo(pushed.json().get("serverCursor").textValue());
        }
        awaitWaiting(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void waitingPullEndsEmptyAtItsDeadlineAndBadWaitMsIsRefused(TestDatabases.Kind kind) throws Exception {
        start(kind);
        String cursor = HttpTesting.pull(http, service.port(), "tok-a").json().get("serverCursor").textValue();

        HttpTesting.Reply empty = pull("{\"sinceCursor\":\"" + cursor + "\",\"waitMs\":150}").get(LONG.toSeconds(), TimeUnit.SECONDS);
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().get("objects")).isEmpty();
        assertThat(empty.json().get("serverCursor").textValue()).isEqualTo(cursor);
        assertThat(empty.json().get("hasMore").booleanValue()).isFalse();

        for (String bad : List.of("-1", "2.5", "\"soon\"")) {
            HttpTesting.Reply r = pull("{\"waitMs\":" + bad + "}").get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().at("/error/field").textValue()).isEqualTo("waitMs");
        }
        assertThat(store.livePulls().waiting()).isZero();
    }
}
