package dev.syncmat.examples.http;

import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} during a short load run: pushes (some conflicting, some re-sent, one stale,
 * one malformed), pulls and a replay, after which every meter of the store and the service is in
 * the scrape and the counters moved by what the test sent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpTesting.client();
    private SyncHttpService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private SyncStore start(TestDatabases.Kind kind, PrometheusMeterRegistry registry) throws IOException {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.builder(db.jdbi()).meterRegistry(registry).build();
        store.migrate();
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(4).build(), registry);
        return store;
    }

    private static String op(String opId, String objectId, String clock, String kind, String payload) {
        return "{\"opId\":\"" + opId + "\",\"objectId\":\"" + objectId + "\",\"objectType\":\"note\",\"kind\":\"" + kind
                + "\",\"clock\":" + clock + (payload == null ? "" : ",\"payload\":" + payload) + "}";
    }

    private static String push(String... ops) {
        return "{\"ops\":[" + String.join(",", ops) + "]}";
    }

    private HttpTesting.Reply post(String path, String body) throws Exception {
        return HttpTesting.send(http, service.port(), "POST", path, "tok-a", body, WAIT);
    }

    /** The samples of a scrape: {@code name{labels}} -> value. */
    private Map<String, Double> scrape() throws Exception {
        HttpTesting.Reply r = HttpTesting.send(http, service.port(), "GET", "/metrics", null, null, WAIT);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> samples = new TreeMap<>();
        for (String line : r.text().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    private static double moved(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertThat(after).as("scrape").containsKey(sample);
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void aScrapeAfterALoadRunShowsEveryMeterMovedByWhatWasSent(TestDatabases.Kind kind) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SyncStore store = start(kind, registry);
        Map<String, Double> before = scrape();

        // 20 pushes of one op each: ten objects, each written twice by actor c (all applied).
        List<String> firstPushes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String body = push(op("c-" + i, "n" + (i % 10), "{\"c\":" + (i / 10 + 1) + "}", "update", "{\"v\":" + i + "}"));
            firstPushes.add(body);
            assertThat(post("/api/sync/v2/push", body).status()).isEqualTo(200);
        }
        int applied = 20;
        // One push of four updates concurrent with c's (payload order ranks them) ...
        assertThat(post("/api/sync/v2/push", push(op("d-0", "n0", "{\"d\":1}", "update", "{\"w\":0}"),
                op("d-1", "n1", "{\"d\":1}", "update", "{\"w\":1}"), op("d-2", "n2", "{\"d\":1}", "update", "{\"w\":2}"),
                op("d-3", "n3", "{\"d\":1}", "update", "{\"w\":3}"))).status()).isEqualTo(200);
        int payloadOrderConflicts = 4;
        // ... one of two concurrent deletes (delete wins) ...
        assertThat(post("/api/sync/v2/push", push(op("e-4", "n4", "{\"e\":1}", "delete", null),
                op("e-5", "n5", "{\"e\":1}", "delete", null))).status()).isEqualTo(200);
        int deleteWinsConflicts = 2;
        int merged = payloadOrderConflicts + deleteWinsConflicts;
        // ... three pushes sent again, and one op that c's second write dominates.
        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/sync/v2/push", firstPushes.get(i)).status()).isEqualTo(200);
        }
        int duplicates = 3;
        assertThat(post("/api/sync/v2/push", push(op("old-6", "n6", "{\"c\":1}", "update", "{\"old\":true}"))).status())
                .isEqualTo(200);
        int stale = 1;
        int pushes = 20 + 1 + 1 + 3 + 1;
        // A body that is not JSON never reaches the store.
        assertThat(post("/api/sync/v2/push", "{\"ops\":[").status()).isEqualTo(400);

        int pulls = 3;
        for (int i = 0; i < pulls; i++) {
            assertThat(post("/api/sync/v2/pull", "{\"sinceCursor\":null}").status()).isEqualTo(200);
        }
        assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);
        ReplayReport verified = store.replay("tenant-a", ReplayOptions.verify().withPageSize(4));
        assertThat(verified.consistent()).isTrue();
        int journaled = applied + merged + stale;

        Map<String, Double> after = scrape();
        assertThat(moved(before, after, "syncmat_ops_total{outcome=\"applied\"}")).isEqualTo(applied);
        assertThat(moved(before, after, "syncmat_ops_total{outcome=\"merged\"}")).isEqualTo(merged);
        assertThat(moved(before, after, "syncmat_ops_total{outcome=\"duplicate\"}")).isEqualTo(duplicates);
        assertThat(moved(before, after, "syncmat_ops_total{outcome=\"stale\"}")).isEqualTo(stale);
        assertThat(moved(before, after, "syncmat_conflicts_total{reason=\"PAYLOAD_ORDER\"}")).isEqualTo(payloadOrderConflicts);
        assertThat(moved(before, after, "syncmat_conflicts_total{reason=\"DELETE_WINS\"}")).isEqualTo(deleteWinsConflicts);
        assertThat(moved(before, after, "syncmat_push_seconds_count{result=\"ok\"}")).isEqualTo(pushes);
        assertThat(moved(before, after, "syncmat_push_seconds_count{result=\"invalid\"}")).isZero();
        assertThat(moved(before, after, "syncmat_push_seconds_sum{result=\"ok\"}")).isPositive();
        assertThat(moved(before, after, "syncmat_pull_seconds_count{result=\"ok\"}")).isEqualTo(pulls);
        assertThat(moved(before, after, "syncmat_lock_wait_seconds_count")).isEqualTo(pushes);
        assertThat(moved(before, after, "syncmat_lock_timeouts_total")).isZero();
        assertThat(moved(before, after, "syncmat_push_group_size_count")).isEqualTo(pushes);
        assertThat(moved(before, after, "syncmat_push_group_size_sum")).isEqualTo(pushes);
        assertThat(moved(before, after, "syncmat_replay_ops_total{mode=\"verify\"}")).isEqualTo(journaled);
        assertThat(moved(before, after, "syncmat_replays_total{mode=\"verify\",result=\"consistent\"}")).isEqualTo(1);
        assertThat(after).containsEntry("syncmat_replay_running", 0.0).containsEntry("syncmat_replay_running_ops", 0.0)
                .containsEntry("syncmat_pull_waiters", 0.0)
                .containsKey("syncmat_purge_rows_total{kind=\"tombstones\"}");
        assertThat(moved(before, after, "syncmat_http_requests_total{route=\"push\",status=\"2xx\"}")).isEqualTo(pushes);
        assertThat(moved(before, after, "syncmat_http_requests_total{route=\"push\",status=\"4xx\"}")).isEqualTo(1);
        assertThat(moved(before, after, "syncmat_http_requests_total{route=\"pull\",status=\"2xx\"}")).isEqualTo(pulls);
        assertThat(moved(before, after, "syncmat_http_requests_total{route=\"health\",status=\"2xx\"}")).isEqualTo(1);
        // The first scrape was answered before the second began.
        assertThat(moved(before, after, "syncmat_http_requests_total{route=\"metrics\",status=\"2xx\"}")).isEqualTo(1);
    }

    @Test
    void withoutARegistryThereIsNoMetricsRoute() throws Exception {
        TestDatabases.Database db = TestDatabases.h2();
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.defaults());
        HttpTesting.assertJsonError(HttpTesting.send(http, service.port(), "GET", "/metrics", null, null, WAIT), 404, "not_found");
    }
}
