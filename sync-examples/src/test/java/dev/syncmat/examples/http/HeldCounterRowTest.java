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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, item 3: another transaction holds tenant k's counter row for 20 s. Meanwhile tenant a's
 * pushes and pulls and {@code /health} keep answering within 2 s, and every push of tenant k gets
 * a retryable 503 within the store's lock-wait timeout (plus the client's slack), never a hang.
 * Each request below carries its own client timeout, so a request that is not answered in time
 * fails the test; nothing is measured with a clock but the 20 s the row is held.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HeldCounterRowTest {
    private static final Duration LOCK_WAIT = Duration.ofMillis(500);
    private static final Duration HELD = Duration.ofSeconds(20);
    private static final Duration ANSWER = Duration.ofSeconds(2);

    private final HttpClient http = HttpTesting.client();
    private SyncHttpService service;
    private Handle holder;

    @AfterEach
    void stop() {
        if (holder != null) {
            holder.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aHeldCounterRowCostsOnlyItsOwnTenant() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(LOCK_WAIT).build();
        store.migrate();
        store.push("tenant-k", List.of(Op.update("k-0", "k-note", "note", VectorClock.of("x", 1), Payload.parse("0"))));
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder()
                .healthDataSource(HttpTesting.dataSource(db)).build());

        holder = db.jdbi().open();
        holder.begin();
        holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = 'tenant-k' FOR UPDATE").mapTo(Long.class).one();

        long end = System.nanoTime() + HELD.toNanos();
        int round = 0;
        while (System.nanoTime() < end) {
            round++;
            HttpTesting.Reply push = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-a",
                    HttpTesting.pushBody("a-" + round, "a-note-" + round), ANSWER);
            assertThat(push.status()).as("push of tenant a in round %d: %s", round, push).isEqualTo(200);
            HttpTesting.Reply pull = HttpTesting.pull(http, service.port(), "tok-a");
            assertThat(pull.status()).isEqualTo(200);
            assertThat(pull.json().get("objects").findValuesAsText("objectId")).hasSize(round);
            assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);

            HttpTesting.Reply blocked = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-k",
                    HttpTesting.pushBody("k-" + round, "k-note"), LOCK_WAIT.plus(ANSWER));
            assertJsonError(blocked, 503, "store_unavailable");
            assertThat(blocked.header("retry-after")).isEqualTo("1");
        }
        assertThat(round).as("rounds while the row was held").isGreaterThan(1);
        assertThat(db.count("sync_journal", "tenant-k")).as("nothing of tenant k's refused pushes was written").isEqualTo(1);

        holder.rollback();
        HttpTesting.Reply after = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-k",
                HttpTesting.pushBody("k-after", "k-note"), ANSWER);
        assertThat(after.status()).as("tenant k once the row is free: %s", after).isEqualTo(200);
        assertThat(db.count("sync_journal", "tenant-k")).isEqualTo(2);
    }
}
