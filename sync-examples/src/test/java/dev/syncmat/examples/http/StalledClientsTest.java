package dev.syncmat.examples.http;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that open a connection and then send nothing more cost the service no thread: with 64
 * connections stalled in their headers and bodies declared but never sent, {@code /health} and
 * another tenant's pull still answer within 2 s, and the idle timeout closes stalled connections.
 */
class StalledClientsTest {
    private final HttpClient http = HttpTesting.client();
    private final List<Socket> sockets = new ArrayList<>();
    private SyncHttpService service;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private SyncStore store(TestDatabases.Database db) {
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        store.push("tenant-b", List.of(Op.update("b-1", "note-b", "note", VectorClock.of("b", 1), Payload.parse("{\"n\":1}"))));
        return store;
    }

    /** Opens a connection and writes {@code head}, then nothing more. */
    private Socket stall(String head) throws IOException {
        Socket s = new Socket("127.0.0.1", service.port());
        sockets.add(s);
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void stalledConnectionsAndUnsentBodiesDelayNeitherHealthNorAnotherTenant() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        // The thread count the serve command uses by default.
        service = SyncHttpService.start(store(db), HttpTesting.TOKENS, ServiceOptions.builder().threads(16).build());

        for (int i = 0; i < 64; i++) {
            stall("GET /health HTTP/1.1\r\nHost: x\r\n");
        }
        // Bodies under the cap that never arrive: tenant a's every permit, waiting on the client.
        for (int i = 0; i < 4; i++) {
            stall("POST /api/sync/v2/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-a\r\n"
                    + "Content-Length: 1048576\r\n\r\n{\"ops\":[");
        }
        awaitTenantBusy(4);
        // With every permit of its tenant held, a body declared over the cap still gets 413, not a
        // retryable 503: retrying could never help it.
        Socket overCap = stall("POST /api/sync/v2/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-a\r\n"
                + "Content-Length: " + (64 << 20) + "\r\n\r\n");

        for (int probe = 0; probe < 5; probe++) {
            HttpTesting.Reply health = HttpTesting.health(http, service.port());
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").textValue()).isEqualTo("ok");
            HttpTesting.Reply pulled = HttpTesting.pull(http, service.port(), "tok-b");
            assertThat(pulled.status()).isEqualTo(200);
            assertThat(pulled.json().get("objects").findValuesAsText("objectId")).containsExactly("note-b");
        }

        // A body declared over the cap is refused from its Content-Length, without waiting for it.
        overCap.setSoTimeout(10_000);
        HttpTesting.Reply refused = HttpTesting.parse(HttpTesting.readToEnd(overCap.getInputStream()));
        assertJsonError(refused, 413, "body_too_large");
        assertThat(db.count("sync_journal", "tenant-a")).isZero();
    }

    /**
     * Waits until the service has begun {@code n} requests, then checks that tenant a has no permit
     * left. (Pulling in a loop instead could take a permit from a stalled body not yet begun.)
     */
    private void awaitTenantBusy(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (service.requestsInProgress() < n) {
            assertThat(System.nanoTime()).as("stalled bodies begun before the deadline").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(service.requestsInProgress()).isEqualTo(n);
        assertJsonError(HttpTesting.pull(http, service.port(), "tok-a"), 503, "tenant_busy");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void theIdleTimeoutClosesAConnectionStalledInItsHeaders() throws Exception {
        service = SyncHttpService.start(store(HttpTesting.postgres()), HttpTesting.TOKENS,
                ServiceOptions.builder().idleTimeout(Duration.ofSeconds(1)).build());
        Socket stalled = stall("GET /health HTTP/1.1\r\nHost: x\r\n");
        stalled.setSoTimeout(15_000);
        // readToEnd fails the test if the server neither answers nor closes within 15 s.
        byte[] answer = HttpTesting.readToEnd(stalled.getInputStream());
        HttpTesting.Reply r = HttpTesting.parse(answer);
        if (answer.length > 0) {
            assertJsonError(r, 408, null);
        }
        assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void theIdleTimeoutEndsABodyThatStopsArrivingWithA408() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        service = SyncHttpService.start(store(db), HttpTesting.TOKENS,
                ServiceOptions.builder().idleTimeout(Duration.ofSeconds(1)).threads(2).build());
        Socket stalled = stall("POST /api/sync/v2/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-a\r\n"
                + "Content-Length: 1000\r\n\r\n{\"ops\":[");
        stalled.setSoTimeout(15_000);
        assertJsonError(HttpTesting.parse(HttpTesting.readToEnd(stalled.getInputStream())), 408, "request_timeout");
        // Its tenant's only permit (threads 2 allow one per tenant) came back.
        assertThat(HttpTesting.pull(http, service.port(), "tok-a").status()).isEqualTo(200);
        assertThat(db.count("sync_journal", "tenant-a")).isZero();
    }
}
