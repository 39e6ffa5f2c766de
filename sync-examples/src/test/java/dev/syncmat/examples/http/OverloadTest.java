package dev.syncmat.examples.http;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work beyond the service's bounds is refused at once with 503 and {@code Retry-After}, and never
 * takes {@code /health} or the other tenants down with it. Store calls are made to wait the way a
 * busy database makes them wait: the test holds the tenants' counter rows locked, so their pushes
 * block inside PostgreSQL until it lets go. Deterministic: the test waits until PostgreSQL shows
 * the pushes waiting before it probes, and the store's lock wait is longer than the test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OverloadTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private final HttpClient http = HttpTesting.client();
    private TestDatabases.Database db;
    private SyncHttpService service;
    private Handle locks;

    @AfterEach
    void stop() {
        if (locks != null) {
            locks.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /** A store whose tenants each have one op, so that their counter rows exist to be locked. */
    private SyncStore store(String... tenants) {
        db = HttpTesting.postgres();
        // The pushes behind the locked rows must wait however long the probes take on a loaded
        // machine, not give up after the default lock wait of 2 s.
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(LONG).build();
        store.migrate();
        for (String t : tenants) {
            store.push(t, List.of(Op.update(t + "-0", t + "-note", "note", VectorClock.of("x", 1), Payload.parse("0"))));
        }
        return store;
    }

    /** Locks the counter rows of {@code tenants} until {@link #release()}: their pushes wait. */
    private void lock(String... tenants) {
        locks = db.jdbi().open();
        locks.begin();
        locks.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id IN (<tenants>) FOR UPDATE")
                .bindList("tenants", List.of(tenants)).mapTo(Long.class).list();
    }

    private void release() {
        locks.rollback();
        locks.close();
        locks = null;
    }

    private CompletableFuture<HttpTesting.Reply> push(String token, String opId) {
        return HttpTesting.sendAsync(http, service.port(), "POST", "/api/sync/v2/push", token,
                HttpTesting.pushBody(opId, opId), LONG);
    }

    @Test
    void aTenantPastItsBoundGets503WhileOthersAndHealthAreServed() throws Exception {
        SyncStore store = store("tenant-a", "tenant-b");
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(8).tenantConcurrency(4)
                .healthDataSource(HttpTesting.dataSource(db)).build());
        lock("tenant-a");

        // More pushes of one tenant than the service has threads.
        List<CompletableFuture<HttpTesting.Reply>> pushes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            pushes.add(push("tok-a", "a-" + i));
        }
        // The 4 admitted pushes share group commit: one transaction waits in PostgreSQL for the row,
        // the other pushes in the store's queue behind it.
        HttpTesting.await("a push waiting in PostgreSQL, 8 answered",
                () -> HttpTesting.waitingForALock(db.jdbi()) == 1 && pushes.stream().filter(CompletableFuture::isDone).count() == 8);
        List<HttpTesting.Reply> refused = pushes.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
        for (HttpTesting.Reply r : refused) {
            assertJsonError(r, 503, "tenant_busy");
            assertThat(r.header("retry-after")).isEqualTo("1");
        }
        assertJsonError(HttpTesting.pull(http, service.port(), "tok-a"), 503, "tenant_busy");

        for (int probe = 0; probe < 3; probe++) {
            HttpTesting.Reply other = HttpTesting.pull(http, service.port(), "tok-b");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().get("objects").findValuesAsText("objectId")).containsExactly("tenant-b-note");
            assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);
        }

        release();
        for (CompletableFuture<HttpTesting.Reply> p : pushes) {
            HttpTesting.Reply r = p.get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isIn(200, 503);
        }
        assertThat(pushes.stream().map(CompletableFuture::join).filter(r -> r.status() == 200)).hasSize(4);
        assertThat(db.count("sync_journal", "tenant-a")).isEqualTo(1 + 4);
        assertThat(HttpTesting.pull(http, service.port(), "tok-a").status()).isEqualTo(200);
    }

    @Test
    void aFullQueueGets503AtOnceWhileHealthIsServed() throws Exception {
        SyncStore store = store("tenant-a", "tenant-b", "tenant-c", "tenant-d");
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(2).queue(1)
                .tenantConcurrency(1).healthDataSource(HttpTesting.dataSource(db)).build());
        lock("tenant-a", "tenant-b", "tenant-c", "tenant-d");

        CompletableFuture<HttpTesting.Reply> a = push("tok-a", "a-1");
        CompletableFuture<HttpTesting.Reply> b = push("tok-b", "b-1");
        HttpTesting.await("both store threads waiting in PostgreSQL", () -> HttpTesting.waitingForALock(db.jdbi()) == 2);
        // One of these takes the only place in the queue, the other is refused.
        CompletableFuture<HttpTesting.Reply> c = push("tok-c", "c-1");
        CompletableFuture<HttpTesting.Reply> d = push("tok-d", "d-1");
        HttpTesting.Reply first = (HttpTesting.Reply) CompletableFuture.anyOf(c, d).get(30, TimeUnit.SECONDS);
        assertJsonError(first, 503, "overloaded");
        assertThat(first.header("retry-after")).isEqualTo("1");
        CompletableFuture<HttpTesting.Reply> queued = c.isDone() && c.join() == first ? d : c;

        // Still full: another tenant's pull is refused, /health is not behind the queue.
        assertJsonError(HttpTesting.pull(http, service.port(), "tok-e"), 503, "overloaded");
        HttpTesting.Reply health = HttpTesting.health(http, service.port());
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").textValue()).isEqualTo("ok");
        assertThat(queued).isNotDone();

        release();
        assertThat(a.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(b.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(queued.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(db.count("sync_journal")).isEqualTo(4 + 3);
        assertThat(HttpTesting.pull(http, service.port(), "tok-e").status()).isEqualTo(200);
    }

    @Test
    void optionsRefuseATenantBoundThatLeavesNoThreadForOthers() {
        assertThatThrownBy(() -> ServiceOptions.builder().threads(4).tenantConcurrency(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenantConcurrency must be between 1 and threads - 1 = 3, but was 4");
        assertThatThrownBy(() -> ServiceOptions.builder().threads(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads must be >= 2");
        assertThat(ServiceOptions.builder().threads(3).build().tenantConcurrency()).isEqualTo(2);
        assertThat(ServiceOptions.defaults().tenantConcurrency()).isEqualTo(4);
    }
}
