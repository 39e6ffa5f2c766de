package dev.syncmat.examples.http;

import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the HTTP layer itself refuses, sent on raw sockets as written: each gets the service's
 * JSON error form with the right status, never an HTML page or a 500, and writes nothing.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MalformedRequestsTest {
    private static final int MAX_BODY = 16 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String AUTH = "Authorization: Bearer tok-a\r\n";
    private static TestDatabases.Database db;
    private static SyncHttpService service;

    @BeforeAll
    static void start() throws IOException {
        db = HttpTesting.postgres();
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().maxBodyBytes(MAX_BODY).build());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static HttpTesting.Reply raw(String request) throws IOException {
        return HttpTesting.raw(service.port(), request, WAIT);
    }

    @Test
    void aChunkedBodyGets413AsSoonAsItPassesTheCap() throws Exception {
        try (Socket s = new Socket("127.0.0.1", service.port())) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/sync/v2/push HTTP/1.1\r\nHost: x\r\n" + AUTH + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String chunk = "x".repeat(4096);
            for (int i = 0; i < MAX_BODY / chunk.length() + 1; i++) {
                out.write(("1000\r\n" + chunk + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            // The last chunk never comes: the answer must not wait for it.
            HttpTesting.Reply r = HttpTesting.parse(HttpTesting.readToEnd(s.getInputStream()));
            assertJsonError(r, 413, "body_too_large");
            assertThat(r.json().at("/error/field").textValue()).isEqualTo("body");
        }
        assertThat(db.count("sync_journal")).isZero();
    }

    @Test
    void aCompleteChunkedBodyOverTheCapGets413() throws Exception {
        StringBuilder request = new StringBuilder("POST /api/sync/v2/push HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 5; i++) {
            request.append("1000\r\n").append("y".repeat(4096)).append("\r\n");
        }
        assertJsonError(raw(request.append("0\r\n\r\n").toString()), 413, "body_too_large");
    }

    @Test
    void badPercentEscapesInThePathGet400() throws Exception {
        for (String path : new String[]{"/api/sync/v2/objects/a%zzb/history", "/api/sync/v2/objects/%/history",
                "/api/sync/v2/objects/a%4/history", "/he%zzalth"}) {
            assertJsonError(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "Connection: close\r\n\r\n"), 400, null);
        }
    }

    @Test
    void badPercentEncodedUtf8InAnObjectIdGets400() throws Exception {
        for (String id : new String[]{"%FF", "%C0%80", "%ED%A0%80", "a%E2%82"}) {
            assertJsonError(raw("GET /api/sync/v2/objects/" + id + "/history HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Connection: close\r\n\r\n"), 400, null);
        }
    }

    @Test
    void aBadContentLengthGets400() throws Exception {
        for (String length : new String[]{"abc", "-5", "12, 13", "99999999999999999999999"}) {
            assertJsonError(raw("POST /api/sync/v2/pull HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: " + length
                    + "\r\nConnection: close\r\n\r\n{}"), 400, null);
        }
    }

    @Test
    void aMalformedChunkSizeGets400() throws Exception {
        for (String size : new String[]{"zz", "-1", "1;;;", "ffffffffffffffffff"}) {
            assertJsonError(raw("POST /api/sync/v2/pull HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + size + "\r\n{}\r\n0\r\n\r\n"), 400, null);
        }
    }

    @Test
    void aGarbledRequestLineGets400AndAnUnknownVersion505() throws Exception {
        assertJsonError(raw("GARBAGE\r\n\r\n"), 400, null);
        assertJsonError(raw("GET /he\u0001alth HTTP/1.1\r\nHost: x\r\n\r\n"), 400, null);
        assertJsonError(raw("GET /health HTTP/9.9\r\nHost: x\r\n\r\n"), 505, "http_version_not_supported");
    }

    @Test
    void aNulInThePathGets400() throws Exception {
        assertJsonError(raw("GET /api/sync/v2/objects/a%00b/history HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Connection: close\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void aTooLongUriGets414AndTooLargeHeadersGet431() throws Exception {
        assertJsonError(raw("GET /api/sync/v2/objects/" + "x".repeat(20_000) + "/history HTTP/1.1\r\nHost: x\r\n"
                + AUTH + "Connection: close\r\n\r\n"), 414, null);
        assertJsonError(raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n"), 431, null);
    }

    @Test
    void unknownRoutesAndMethodsGetJsonErrors() throws Exception {
        assertJsonError(raw("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404, "not_found");
        assertJsonError(raw("DELETE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 405, "method_not_allowed");
        assertJsonError(raw("POST /api/sync/v2/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
                401, "unauthorized");
    }
}
