package dev.syncmat.examples.http;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20: the example service keeps its written wire contract, {@code docs/openapi.yaml} and
 * {@code docs/schemas/}. A scenario on PostgreSQL provokes every answer the service gives (success
 * of each operation, and each class of error: 400, 401, 404, 405, 408, 410, 413, 414, 431, 500, 503,
 * 505), and every real answer is checked: its status is declared for its path and method, the
 * headers the document requires are there ({@code Retry-After}, {@code WWW-Authenticate}), and its
 * body matches the declared schema. The request bodies the service accepted match the request
 * schemas. The checker is shown to reject what breaks the contract.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WireContractTest {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(5);
    private static final String PUSH = "/api/sync/v2/push";
    private static final String PULL = "/api/sync/v2/pull";
    private static final int MAX_BODY = 64 * 1024;

    private static WireContract contract;
    private final HttpClient http = HttpTesting.client();
    private final List<WireContract.Exchange> exchanges = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void loadContract() throws Exception {
        contract = WireContract.load();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private HttpTesting.Reply send(SyncHttpService service, String method, String target, String token, String body)
            throws IOException, InterruptedException {
        HttpTesting.Reply reply = HttpTesting.send(http, service.port(), method, target, token, body, ANSWER);
        exchanges.add(new WireContract.Exchange(method, target, body, reply));
        return reply;
    }

    /** A raw request whose request line is {@code method target HTTP/1.1} (or the given version). */
    private HttpTesting.Reply raw(SyncHttpService service, String method, String target, String version, String headers)
            throws IOException {
        HttpTesting.Reply reply = HttpTesting.raw(service.port(), method + " " + target + " " + version + "\r\nHost: x\r\n"
                + headers + "Connection: close\r\n\r\n", ANSWER);
        exchanges.add(new WireContract.Exchange(method, target, null, reply));
        return reply;
    }

    private static String op(String opId, String objectId, String clock, String payload, String tags) {
        return "{\"opId\":\"" + opId + "\",\"objectId\":\"" + objectId + "\",\"objectType\":\"note\",\"kind\":\""
                + (payload == null ? "delete" : "update") + "\",\"clock\":" + clock
                + (payload == null ? "" : ",\"payload\":" + payload) + ",\"tags\":" + tags
                + ",\"timestamp\":\"2026-11-24T10:00:00Z\"}";
    }

    private static String ops(String... ops) {
        return "{\"ops\":[" + String.join(",", ops) + "]}";
    }

    @Test
    void everyAnswerOfTheServiceIsDeclaredAndMatchesItsSchema() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(LOCK_WAIT).build();
        store.migrate();
        // Tenant c is recorded under another merge policy: the service's pushes for it are refused.
        SyncStore.builder(db.jdbi()).mergePolicy(MergePolicy.updateWins()).build()
                .push("tenant-c", List.of(Op.update("c-0", "c-note", "note", VectorClock.of("x", 1), Payload.parse("0"))));
        store.push("tenant-k", List.of(Op.update("k-0", "k-note", "note", VectorClock.of("x", 1), Payload.parse("0"))));
        SyncHttpService service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(2)
                .tenantConcurrency(1).maxBodyBytes(MAX_BODY).healthDataSource(HttpTesting.dataSource(db)).build());
        closing.add(service);

        // Success of every operation.
        assertThat(send(service, "GET", "/health", null, null).status()).isEqualTo(200);
        String first = ops(op("a-1", "note-1", "{\"a\":1}", "{\"title\":\"x\"}", "[\"home\"]"),
                op("b-1", "note-1", "{\"b\":1}", "{\"title\":\"y\"}", "[\"home\"]"),
                op("a-2", "note-2", "{\"a\":2}", "[1,2.5,null,\"s\"]", "[\"work\"]"),
                op("a-3", "note-3", "{\"a\":3}", null, "[]"));
        HttpTesting.Reply pushed = send(service, "POST", PUSH, "tok-a", first);
        assertThat(pushed.status()).as("%s", pushed).isEqualTo(200);
        assertThat(pushed.json().get("results").findValuesAsText("outcome")).containsExactly("applied", "merged", "applied", "applied");
        assertThat(send(service, "POST", PUSH, "tok-a", first).json().get("results").findValuesAsText("outcome"))
                .containsOnly("duplicate");
        HttpTesting.Reply full = send(service, "POST", PULL, "tok-a", "{}");
        assertThat(full.json().get("objects")).hasSize(3);
        String cursor = full.json().get("serverCursor").textValue();
        assertThat(send(service, "POST", PULL, "tok-a", "").status()).isEqualTo(200);
        HttpTesting.Reply heads = send(service, "POST", PULL, "tok-a",
                "{\"sinceCursor\":null,\"scope\":{\"types\":[\"note\"],\"ids\":[],\"tags\":[\"home\"]},\"limit\":10,\"includeHeads\":true}");
        assertThat(heads.json().at("/objects/0/otherHeads")).hasSize(1);
        assertThat(send(service, "POST", PUSH, "tok-a", ops(op("a-4", "note-2", "{\"a\":4}", "{}", "[\"other\"]"))).status())
                .isEqualTo(200);
        HttpTesting.Reply removed = send(service, "POST", PULL, "tok-a",
                "{\"sinceCursor\":\"" + cursor + "\",\"scope\":{\"tags\":[\"work\"]}}");
        assertThat(removed.json().get("removed").findValuesAsText("objectId")).containsExactly("note-2");
        assertThat(send(service, "POST", PULL, "tok-a", "{\"limit\":1}").json().get("hasMore").booleanValue()).isTrue();
        HttpTesting.Reply page1 = send(service, "GET", "/api/sync/v2/objects/note-1/history?limit=1", "tok-a", null);
        assertThat(page1.json().get("hasMore").booleanValue()).isTrue();
        long after = page1.json().at("/entries/0/journalSeq").longValue();
        HttpTesting.Reply page2 = send(service, "GET", "/api/sync/v2/objects/note-1/history?after=" + after, "tok-a", null);
        assertThat(page2.json().at("/entries/0/conflicts")).hasSize(1);
        assertThat(send(service, "GET", "/api/sync/v2/objects/never%2Fseen/history", "tok-a", null).json().get("entries")).isEmpty();

        // 400: the request is wrong.
        assertError(send(service, "POST", PUSH, "tok-a", "not json"), 400, "invalid_input");
        assertError(send(service, "POST", PUSH, "tok-a", "{\"ops\":[],\"extra\":1}"), 400, "invalid_input");
        assertError(send(service, "POST", PUSH, "tok-a", ops(op("a-9", "note-9", "{\"a\":0}", "1", "[]"))), 400, null);
        assertError(send(service, "POST", PUSH, "tok-a", ops(op("a-1", "note-1", "{\"a\":1}", "{\"title\":\"other\"}", "[]"))),
                400, "op_id_reused");
        assertError(send(service, "POST", PULL, "tok-a", "{\"sinceCursor\":\"not-a-cursor\"}"), 400, "invalid_cursor");
        assertError(send(service, "POST", PULL, "tok-b", "{\"sinceCursor\":\"" + cursor + "\"}"), 400, "invalid_cursor");
        assertError(send(service, "POST", PULL, "tok-a", "{\"limit\":0}"), 400, "invalid_input");
        assertError(send(service, "GET", "/api/sync/v2/objects/note-1/history?after=-1", "tok-a", null), 400, "invalid_input");
        assertError(raw(service, "POST", PULL, "HTTP/1.1", "Authorization: Bearer tok-a\r\nContent-Length: abc\r\n"), 400, null);
        // 401, 404, 405.
        assertError(send(service, "POST", PUSH, null, first), 401, "unauthorized");
        assertError(send(service, "POST", PULL, "tok-unknown", "{}"), 401, "unauthorized");
        assertError(send(service, "GET", "/nope", null, null), 404, "not_found");
        assertError(send(service, "GET", PUSH, "tok-a", null), 405, "method_not_allowed");
        // 410: a cursor of the same tenant from another database.
        TestDatabases.Database other = TestDatabases.h2();
        SyncStore elsewhere = SyncStore.create(other.jdbi());
        elsewhere.migrate();
        String foreign = elsewhere.push("tenant-a",
                List.of(Op.update("a-1", "note-1", "note", VectorClock.of("a", 1), Payload.parse("1")))).serverCursor();
        assertError(send(service, "POST", PULL, "tok-a", "{\"sinceCursor\":\"" + foreign + "\"}"), 410, "cursor_expired");
        // 413, 414, 431, 505: bounds of the HTTP layer.
        assertError(raw(service, "POST", PUSH, "HTTP/1.1", "Authorization: Bearer tok-a\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n"),
                413, "body_too_large");
        assertError(raw(service, "GET", "/api/sync/v2/objects/" + "x".repeat(20_000) + "/history", "HTTP/1.1",
                "Authorization: Bearer tok-a\r\n"), 414, null);
        assertError(raw(service, "GET", "/health", "HTTP/1.1", "X-Big: " + "y".repeat(20_000) + "\r\n"), 431, null);
        assertError(raw(service, "GET", "/health", "HTTP/9.9", ""), 505, "http_version_not_supported");
        // 500: the tenant's recorded merge policy is not the service's.
        assertError(send(service, "POST", PUSH, "tok-c", HttpTesting.pushBody("c-1", "c-note")), 500, "policy_mismatch");
        // 503: tenant k's counter row is held; its one permit is taken by a push waiting for the
        // row, so a second request is refused at once, and the waiting push gives up after the lock wait.
        try (Handle holder = db.jdbi().open()) {
            holder.begin();
            holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = 'tenant-k' FOR UPDATE").mapTo(Long.class).one();
            CompletableFuture<HttpTesting.Reply> waiting = HttpTesting.sendAsync(http, service.port(), "POST", PUSH, "tok-k",
                    HttpTesting.pushBody("k-1", "k-note"), ANSWER);
            HttpTesting.await("a push of tenant k waiting for its row", () -> HttpTesting.waitingForALock(db.jdbi()) == 1);
            assertError(send(service, "POST", PULL, "tok-k", "{}"), 503, "tenant_busy");
            HttpTesting.Reply gaveUp = waiting.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            exchanges.add(new WireContract.Exchange("POST", PUSH, HttpTesting.pushBody("k-1", "k-note"), gaveUp));
            assertError(gaveUp, 503, "store_unavailable");
            holder.rollback();
        }

        // A second service: its health data source answers nothing, and its idle timeout is 1 s.
        SyncHttpService unhealthy = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(2)
                .idleTimeout(Duration.ofSeconds(1)).healthDataSource(closedPort()).healthTimeout(Duration.ofSeconds(2)).build());
        closing.add(unhealthy);
        HttpTesting.Reply sick = send(unhealthy, "GET", "/health", null, null);
        assertThat(sick.status()).as("%s", sick).isEqualTo(503);
        try (Socket stalled = new Socket("127.0.0.1", unhealthy.port())) {
            stalled.setSoTimeout((int) ANSWER.toMillis());
            stalled.getOutputStream().write(("POST " + PUSH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-a\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"ops\":[").getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            HttpTesting.Reply timedOut = HttpTesting.parse(HttpTesting.readToEnd(stalled.getInputStream()));
            exchanges.add(new WireContract.Exchange("POST", PUSH, null, timedOut));
            assertError(timedOut, 408, "request_timeout");
        }

        List<String> violations = new ArrayList<>();
        TreeSet<Integer> statuses = new TreeSet<>();
        for (WireContract.Exchange e : exchanges) {
            violations.addAll(contract.violations(e));
            statuses.add(e.reply().status());
            if (e.reply().status() == 200 && e.requestBody() != null && !e.requestBody().isBlank()) {
                violations.addAll(contract.requestViolations(e));
            }
        }
        assertThat(violations).as("answers that break docs/openapi.yaml").isEmpty();
        assertThat(statuses).containsExactly(200, 400, 401, 404, 405, 408, 410, 413, 414, 431, 500, 503, 505);
    }

    private static void assertError(HttpTesting.Reply r, int status, String code) {
        HttpTesting.assertJsonError(r, status, code);
    }

    /** A PostgreSQL data source on a port where nothing listens. */
    private static PGSimpleDataSource closedPort() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[]{"127.0.0.1"});
        ds.setPortNumbers(new int[]{port});
        ds.setDatabaseName("none");
        ds.setUser("postgres");
        return ds;
    }

    @Test
    void theCheckerRejectsAnswersThatBreakTheContract() {
        String cursor = "AgAAAAAAAAADj_hSpuyX_k4AAAAAAAAACfy19NbDPRdCAzy_jshXN7o";
        String good = "{\"objects\":[],\"removed\":[],\"serverCursor\":\"" + cursor + "\",\"hasMore\":false}";
        assertThat(contract.violations(exchange("POST", PULL, 200, good, null))).isEmpty();
        // A missing field, an unknown one, a wrong type; an object without its context.
        assertThat(contract.violations(exchange("POST", PULL, 200, "{\"objects\":[],\"removed\":[],\"serverCursor\":\"c\"}", null)))
                .singleElement().asString().contains("hasMore");
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("}", ",\"extra\":1}"), null))).isNotEmpty();
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("false", "\"no\""), null))).isNotEmpty();
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("\"objects\":[]", "\"objects\":[{\"objectId\":\"o\","
                + "\"objectType\":\"t\",\"tags\":[],\"payload\":1,\"deleted\":false,\"clock\":{\"a\":1},\"winnerOpId\":\"x\",\"heads\":1}]"),
                null))).singleElement().asString().contains("context");
        // A deleted object with a payload; a clock counter of 0.
        String object = "{\"objectId\":\"o\",\"objectType\":\"t\",\"tags\":[],\"payload\":%s,\"deleted\":%s,\"clock\":{\"a\":%d},"
                + "\"context\":{\"a\":1},\"winnerOpId\":\"x\",\"heads\":1}";
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("\"objects\":[]",
                "\"objects\":[" + String.format(object, "null", "true", 1) + "]"), null))).isEmpty();
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("\"objects\":[]",
                "\"objects\":[" + String.format(object, "1", "true", 1) + "]"), null))).isNotEmpty();
        assertThat(contract.violations(exchange("POST", PULL, 200, good.replace("\"objects\":[]",
                "\"objects\":[" + String.format(object, "1", "false", 0) + "]"), null))).isNotEmpty();
        // An error body with an unknown field, or without its message; a 503 without Retry-After.
        String error = "{\"error\":{\"code\":\"tenant_busy\",\"message\":\"retry later\"}}";
        assertThat(contract.violations(exchange("POST", PUSH, 503, error, "1"))).isEmpty();
        assertThat(contract.violations(exchange("POST", PUSH, 503, error, null))).singleElement().asString().contains("Retry-After");
        assertThat(contract.violations(exchange("POST", PUSH, 503, error, "soon"))).isNotEmpty();
        assertThat(contract.violations(exchange("POST", PUSH, 400, error.replace("}}", ",\"status\":400}}"), null))).isNotEmpty();
        assertThat(contract.violations(exchange("POST", PUSH, 400, "{\"error\":{\"code\":\"invalid_op\"}}", null))).isNotEmpty();
        // A status no operation declares; 410 is a pull's, not a push's.
        assertThat(contract.violations(exchange("POST", PUSH, 418, error, null))).singleElement().asString().contains("418");
        assertThat(contract.violations(exchange("POST", PUSH, 410, error, null))).singleElement().asString().contains("410");
        assertThat(contract.violations(exchange("POST", PULL, 410, error, null))).isEmpty();
        // A delete op that carries a payload is no op of the contract.
        String delete = "{\"ops\":[{\"opId\":\"d\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"delete\",\"clock\":{\"a\":1}%s}]}";
        assertThat(contract.requestViolations(new WireContract.Exchange("POST", PUSH, String.format(delete, ""), null))).isEmpty();
        assertThat(contract.requestViolations(new WireContract.Exchange("POST", PUSH, String.format(delete, ",\"payload\":1"), null)))
                .isNotEmpty();
    }

    private static WireContract.Exchange exchange(String method, String path, int status, String body, String retryAfter) {
        Map<String, String> headers = retryAfter == null ? Map.of("content-type", "application/json; charset=utf-8")
                : Map.of("content-type", "application/json; charset=utf-8", "retry-after", retryAfter);
        return new WireContract.Exchange(method, path, null, new HttpTesting.Reply(status, headers, body, null));
    }
}
