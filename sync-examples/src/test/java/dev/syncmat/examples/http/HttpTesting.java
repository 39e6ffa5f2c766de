package dev.syncmat.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of the service share: a client whose every request has a timeout, raw socket
 * requests for what a well-behaved client cannot send, and waiting for a database condition.
 */
final class HttpTesting {
    static final Map<String, String> TOKENS = Map.of("tok-a", "tenant-a", "tok-b", "tenant-b", "tok-c", "tenant-c",
            "tok-d", "tenant-d", "tok-e", "tenant-e", "tok-k", "tenant-k");

    private HttpTesting() {
    }

    /** A response with its JSON body (null when the body is not JSON). */
    record Reply(int status, Map<String, String> headers, String text, JsonNode json) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String errorCode() {
            return json == null ? null : json.at("/error/code").textValue();
        }
    }

    /** An HTTP/1.1 client (no upgrade attempts) for well-formed requests. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    static HttpRequest request(int port, String method, String path, String token, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends a request that must be answered within {@code timeout} (else the test fails). */
    static Reply send(HttpClient http, int port, String method, String path, String token, String body, Duration timeout)
            throws IOException, InterruptedException {
        return reply(http.send(request(port, method, path, token, body, timeout), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    static CompletableFuture<Reply> sendAsync(HttpClient http, int port, String method, String path, String token, String body,
                                              Duration timeout) {
        return http.sendAsync(request(port, method, path, token, body, timeout), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(HttpTesting::reply);
    }

    static Reply reply(HttpResponse<String> r) {
        Map<String, String> headers = new TreeMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        return new Reply(r.statusCode(), headers, r.body(), json(headers.get("content-type"), r.body()));
    }

    private static JsonNode json(String contentType, String body) {
        if (contentType == null || !contentType.equals("application/json; charset=utf-8")) {
            return null;
        }
        return SyncJson.parseTree(body, "response");
    }

    /** {@code GET /health} answered within 2 s. */
    static Reply health(HttpClient http, int port) throws IOException, InterruptedException {
        return send(http, port, "GET", "/health", null, null, Duration.ofSeconds(2));
    }

    /** A first pull of the tenant behind {@code token}, answered within 2 s. */
    static Reply pull(HttpClient http, int port, String token) throws IOException, InterruptedException {
        return send(http, port, "POST", "/api/sync/v2/pull", token, "{\"sinceCursor\":null}", Duration.ofSeconds(2));
    }

    /** A push body of one update op. */
    static String pushBody(String opId, String objectId) {
        return "{\"ops\":[{\"opId\":\"" + opId + "\",\"objectId\":\"" + objectId
                + "\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"c\":1},\"payload\":{\"n\":1}}]}";
    }

    /**
     * Writes {@code request} on a fresh connection and reads until the server closes it (or
     * {@code timeout} passes without a byte, which fails the test).
     */
    static Reply raw(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return parse(readToEnd(socket.getInputStream()));
        }
    }

    static Reply raw(int port, String request, Duration timeout) throws IOException {
        return raw(port, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
    }

    /** Everything until end of stream; a reset after some bytes ends the stream too. */
    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection; had read: "
                    + new String(all.toByteArray(), StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // Connection reset: what was read before it is the answer.
        }
        return all.toByteArray();
    }

    /** Parses a raw HTTP/1.1 response (a chunked body is joined); an empty one has status 0. */
    static Reply parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Reply(0, Map.of(), text, null);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                    (a, b) -> a + "," + b);
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            String whole = dechunk(body);
            if (whole == null) {
                // Cut off before its last chunk: the raw text, and no JSON.
                return new Reply(status, headers, body, null);
            }
            body = whole;
        }
        return new Reply(status, headers, body, json(headers.get("content-type"), body));
    }

    /** The body of a chunked response, or null when it is cut off before its last chunk. */
    static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                return null;
            }
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            // Sizes count bytes; the test bodies of interest here are ASCII.
            if (eol + 2 + size > chunked.length()) {
                return null;
            }
            body.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    /** Asserts a JSON error of the given status and code, in the service's error form. */
    static void assertJsonError(Reply r, int status, String code) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.header("content-type")).as("content type of %s", r).isEqualTo("application/json; charset=utf-8");
        assertThat(r.json()).as("body of %s", r).isNotNull();
        if (code != null) {
            assertThat(r.errorCode()).as("error code of %s", r).isEqualTo(code);
        } else {
            assertThat(r.json().at("/error/code").isTextual()).as("error code of %s", r).isTrue();
        }
        assertThat(r.json().at("/error/message").isTextual()).as("error message of %s", r).isTrue();
    }

    /** Waits up to 30 s for a condition (polling every 20 ms); fails the test when it never holds. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Backends of the test's PostgreSQL database that wait for a lock. */
    static int waitingForALock(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'").mapTo(Integer.class).one());
    }

    /** A data source of its own on a test database, as the health check should have. */
    static DataSource dataSource(TestDatabases.Database db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.url());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        return ds;
    }

    /** A fresh embedded PostgreSQL database. */
    static TestDatabases.Database postgres() {
        return TestDatabases.create(TestDatabases.Kind.POSTGRESQL);
    }
}
