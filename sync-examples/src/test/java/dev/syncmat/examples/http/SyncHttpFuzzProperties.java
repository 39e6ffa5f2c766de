package dev.syncmat.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.JsonMutations;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing the example HTTP service with raw requests (so that malformed paths, bad UTF-8 and odd
 * headers arrive as written): mutated push and pull bodies, history paths with mangled object
 * ids, odd tokens, methods and routes. Laws: the service never answers 500 (a client's input is a
 * 4xx, the database never sees what it cannot take); every answer of the service is JSON, an error
 * with a code and a message; nothing is written unless the answer is a 200 to a push, and then
 * exactly the ops the answer reports as new.
 */
class SyncHttpFuzzProperties {
    // 410: a cursor the store's history cannot serve (cursor_expired), such as a version 1 cursor.
    private static final Set<Integer> STATUSES = Set.of(200, 400, 401, 404, 405, 410, 413);
    private static final int MAX_BODY = 16 * 1024;
    /** Jetty's default bound on a request line (and on the headers), which the service keeps. */
    private static final int MAX_REQUEST_LINE = 8 * 1024;
    private static final SyncJson JSON = SyncJson.create();
    private static final List<Op> OPS = CausalHistories.defaults().replicas(3).objects(6).steps(120).generate(5).ops();
    private static final AtomicInteger ODD_OPS = new AtomicInteger();
    private static final Map<TestDatabases.Kind, Service> SERVICES = new EnumMap<>(TestDatabases.Kind.class);

    /** A running service on a database with some of tenant a's ops pushed. */
    private record Service(TestDatabases.Database db, SyncHttpService http) {
    }

    private static synchronized Service service(TestDatabases.Kind kind) {
        return SERVICES.computeIfAbsent(kind, k -> {
            TestDatabases.Database db = TestDatabases.create(k);
            SyncStore store = SyncStore.create(db.jdbi());
            store.migrate();
            store.push("tenant-a", OPS.subList(0, OPS.size() / 2));
            try {
                return new Service(db, SyncHttpService.start(store, Map.of("tok-a", "tenant-a", "tok-b", "tenant-b"),
                        ServiceOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).maxBodyBytes(MAX_BODY).threads(2)
                                .build()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterContainer
    static synchronized void stop() {
        SERVICES.values().forEach(s -> s.http().close());
        SERVICES.clear();
    }

    @Property(tries = 400)
    void noRequestGetsA500OrWritesUnlessAcceptedOnH2(@ForAll("requests") Request request) throws IOException {
        check(TestDatabases.Kind.H2, request);
        // Each route is answered both ways, so both branches of the laws are exercised.
        Statistics.label("request").coverage(c -> {
            c.check("push 200").count(n -> n >= 5);
            c.check("push 400").count(n -> n >= 5);
            c.check("pull 200").count(n -> n >= 5);
            c.check("pull 400").count(n -> n >= 5);
            c.check("history 200").count(n -> n >= 5);
            c.checkPattern("history 40.").count(n -> n >= 5);
        });
    }

    /**
     * The request the PostgreSQL property drew in a CI run: a history path whose mangled object id
     * made the request line longer than Jetty takes. 414 {@code uri_too_long} is the right answer,
     * and the property now accepts it for such paths only.
     */
    @Example
    void aHistoryPathOverTheRequestLineBoundGets414() throws IOException {
        String raw = URLEncoder.encode("obj-" + "[".repeat(1500) + "]".repeat(1500) + "7", StandardCharsets.UTF_8);
        check(TestDatabases.Kind.H2, new Request("history", "GET", "/api/sync/v2/objects/" + raw + "/history",
                List.of("Authorization: Bearer tok-a"), new byte[0]));
    }

    /** Fewer tries: the point is the database that refuses more (U+0000 in text, for one). */
    @Property(tries = 150)
    void noRequestGetsA500OrWritesUnlessAcceptedOnPostgresql(@ForAll("requests") Request request) throws IOException {
        check(TestDatabases.Kind.POSTGRESQL, request);
    }

    /**
     * Every odd value of the mutation table in every field of an op, exhaustively: the random
     * requests above draw any one of them too rarely to be sure of meeting it.
     */
    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 2000)
    void everyOddValueInEveryOpFieldIsAnsweredWithoutA500(@ForAll("oddValues") String value,
                                                          @ForAll("opFields") String field) throws IOException {
        ObjectNode op = (ObjectNode) SyncJson.parseTree(JSON.writeOp(OPS.get(0)), "op");
        op.put("opId", "odd-" + ODD_OPS.incrementAndGet());
        op.remove(field);
        String text = op.toString();
        String body = "{\"ops\":[{\"" + field + "\":" + value + (op.size() > 0 ? "," + text.substring(1) : "}") + "]}";
        check(TestDatabases.Kind.H2, new Request("push", "POST", "/api/sync/v2/push", List.of("Authorization: Bearer tok-a"),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> oddValues() {
        return Arbitraries.of(JsonMutations.ODD_VALUES);
    }

    @Provide
    Arbitrary<String> opFields() {
        return Arbitraries.of("opId", "objectId", "objectType", "kind", "clock", "payload", "tags", "timestamp", "tenantId",
                "unknown");
    }

    private static void check(TestDatabases.Kind kind, Request request) throws IOException {
        Service s = service(kind);
        long journal = s.db().count("sync_journal");
        Reply reply = send(s.http().port(), request);
        Statistics.label("request").collect(request.kind() + " " + (reply.reset() ? "reset" : reply.status()));

        long written = 0;
        if (reply.reset()) {
            // The service answers 413 from Content-Length without reading a body over the limit and
            // then closes the connection; a client still writing may see that as a reset.
            // Acceptable for such bodies only.
            assertThat(request.body().length).as("size of a body whose connection was reset").isGreaterThan(MAX_BODY);
        } else if (reply.json() && reply.status() == 414) {
            // Jetty refuses a request line over 8 KiB (docs/configuration.md); a mangled object id
            // can make one that long (case 4 of the history paths), and nothing else may get 414.
            assertThat(request.path().length()).as("length of a path refused as too long").isGreaterThan(MAX_REQUEST_LINE - 100);
            assertThat(SyncJson.parseTree(reply.body(), "response").at("/error/code").textValue()).isEqualTo("uri_too_long");
        } else if (reply.json()) {
            assertThat(reply.status()).as("status of %s", request).isIn(STATUSES);
            JsonNode body = SyncJson.parseTree(reply.body(), "response");
            if (reply.status() != 200) {
                assertThat(body.at("/error/code").isTextual()).as("error code of %s", request).isTrue();
                assertThat(body.at("/error/message").isTextual()).as("error message of %s", request).isTrue();
            } else if (request.kind().equals("push")) {
                for (JsonNode r : body.get("results")) {
                    written += r.get("outcome").textValue().equals("duplicate") ? 0 : 1;
                }
            }
        } else {
            // Errors of the HTTP layer itself (a path it cannot parse) are JSON too.
            throw new AssertionError("non-JSON answer " + reply.status() + " to " + request + ": " + reply.body());
        }
        assertThat(s.db().count("sync_journal")).as("journal after %s -> %s", request, reply.status())
                .isEqualTo(journal + written);
    }

    /** A raw request. */
    record Request(String kind, String method, String path, List<String> headers, byte[] body) {
        @Override
        public String toString() {
            String b = new String(body, StandardCharsets.UTF_8);
            return kind + ": " + method + " " + path + " " + headers + " " + (b.length() <= 200 ? b : b.substring(0, 200) + "...");
        }
    }

    /** A parsed response; {@code reset} when the connection was reset instead. */
    private record Reply(int status, boolean json, String body, boolean reset) {
    }

    @Provide
    Arbitrary<Request> requests() {
        return Arbitraries.randoms().map(SyncHttpFuzzProperties::request);
    }

    private static Request request(Random random) {
        String token = pick(random, List.of("Bearer tok-a", "Bearer tok-a", "Bearer tok-a", "Bearer tok-b", "bearer tok-a",
                "Bearer  tok-a ", "Bearer tok-c", "Basic dG9rLWE=", "Bearer", ""));
        List<String> headers = new ArrayList<>();
        if (!token.isEmpty()) {
            headers.add("Authorization: " + token);
        }
        int roll = random.nextInt(10);
        if (roll < 4) {
            List<Op> ops = new ArrayList<>();
            int from = random.nextInt(OPS.size());
            for (int i = from; i < Math.min(OPS.size(), from + 1 + random.nextInt(12)); i++) {
                ops.add(OPS.get(i));
            }
            StringBuilder sb = new StringBuilder("{\"ops\":[");
            for (int i = 0; i < ops.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(JSON.writeOp(ops.get(i)));
            }
            String text = JsonMutations.mutate(sb.append("]}").toString(), random.nextInt(3), random).text();
            return new Request("push", "POST", "/api/sync/v2/push", headers, bytes(text, random));
        }
        if (roll < 7) {
            String cursor = pick(random, List.of("null", "\"AQAAAAAAAAAB9rmEP7Y4qnc\"", "\"garbage\"", "\"\"",
                    "\"" + "A".repeat(23) + "\""));
            String text = "{\"sinceCursor\":" + cursor + ",\"scope\":{\"types\":[\"note\"],\"tags\":[\"inbox\"]},\"limit\":"
                    + (1 + random.nextInt(30)) + "}";
            text = random.nextInt(4) == 0 ? "" : JsonMutations.mutate(text, random.nextInt(3), random).text();
            return new Request("pull", "POST", "/api/sync/v2/pull", headers, bytes(text, random));
        }
        if (roll < 9) {
            String id = CausalHistories.objectId(random.nextInt(8));
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            String raw = switch (random.nextInt(6)) {
                case 0, 1 -> encoded;
                case 2 -> encoded + pick(random, List.of("%00", "%ED%A0%80", "%C0%80", "%FF", "%2F", "+", "%2B", "%25"));
                case 3 -> pick(random, List.of("%zz", "%", "a%0", "..", "%2e%2e", "a/b", "", "%00"));
                case 4 -> URLEncoder.encode(JsonMutations.mutate(id, 1, random).text(), StandardCharsets.UTF_8);
                default -> URLEncoder.encode("x".repeat(random.nextInt(2000)), StandardCharsets.UTF_8);
            };
            return new Request("history", random.nextInt(10) == 0 ? "POST" : "GET", "/api/sync/v2/objects/" + raw + "/history",
                    headers, new byte[0]);
        }
        String path = pick(random, List.of("/", "/health", "/api/sync/v2/", "/api/sync/v2/push/", "/api/sync/v2/PULL",
                "/api/sync/v1/pull", "/api/sync/v2/objects//history", "/api/sync/v2/objects/x/history/x", "/%00"));
        return new Request("other", pick(random, List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")), path, headers,
                bytes("{}", random));
    }

    /** The body as UTF-8, sometimes with a byte that makes it invalid UTF-8. */
    private static byte[] bytes(String text, Random random) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0 && random.nextInt(10) == 0) {
            b[random.nextInt(b.length)] = (byte) (int) pick(random, List.of(0xFF, 0xC0, 0x80, 0xED));
        }
        return b;
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static Reply send(int port, Request r) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\nConnection: close\r\n");
            r.headers().forEach(h -> head.append(h).append("\r\n"));
            head.append("Content-Length: ").append(r.body().length).append("\r\n\r\n");
            req.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            req.writeBytes(r.body());
            String response;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(req.toByteArray());
                out.flush();
                InputStream in = socket.getInputStream();
                response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketException e) {
                return new Reply(0, false, null, true);
            }
            int end = response.indexOf("\r\n\r\n");
            assertThat(end).as("response to %s: %s", r, response).isPositive();
            String[] lines = response.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            boolean json = false;
            for (String line : lines) {
                json |= line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type: application/json");
            }
            return new Reply(status, json, response.substring(end + 4), false);
        }
    }
}
