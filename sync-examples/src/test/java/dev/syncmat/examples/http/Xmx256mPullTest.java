package dev.syncmat.examples.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service in a JVM limited to 256 MiB serves 8 concurrent pulls of a tenant whose 200 objects
 * carry 1 MiB payloads each (200 MiB of state): every pull receives every object exactly once,
 * with its payload intact, and the service neither runs out of memory nor dies. This depends on
 * pull pages bounded by bytes in the store as well as on the HTTP layer streaming them.
 */
class Xmx256mPullTest {
    private static final int OBJECTS = 200;
    private static final int PAYLOAD_CHARS = 1_048_000;
    private static final JsonFactory JSON = new JsonFactory();

    private static String payload(int i) {
        String head = "object-" + i + ":";
        return head + "x".repeat(PAYLOAD_CHARS - head.length());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void eightConcurrentPullsOf200MiBInA256MiBService() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        for (int from = 0; from < OBJECTS; from += 5) {
            List<Op> batch = new ArrayList<>();
            for (int i = from; i < from + 5; i++) {
                batch.add(Op.update("op-" + i, "object-" + i, "blob", VectorClock.of("writer", 1),
                        Payload.parse("\"" + payload(i) + "\"")));
            }
            store.push("tenant-a", batch);
        }

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ServiceMain.class.getName(), db.url(), db.user(), db.password())
                .redirectErrorStream(false).start();
        StringBuffer stderr = new StringBuffer();
        Thread errReader = new Thread(() -> copy(child.getErrorStream(), stderr));
        errReader.setDaemon(true);
        errReader.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("first line of the service; stderr: %s", stderr).startsWith("port ");
            int port = Integer.parseInt(first.substring("port ".length()).trim());

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Future<List<String>>> pulls = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                pulls.add(clients.submit(() -> pullAll(http, port)));
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < OBJECTS; i++) {
                expected.add("object-" + i);
            }
            for (Future<List<String>> pull : pulls) {
                List<String> ids;
                try {
                    ids = pull.get(8, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    throw new AssertionError(e.getCause().getMessage() + "; the service's stderr: " + tail(stderr), e);
                }
                assertThat(ids).doesNotHaveDuplicates();
                assertThat(new HashSet<>(ids)).isEqualTo(expected);
            }
            assertThat(child.isAlive()).as("service alive; stderr: %s", stderr).isTrue();
            assertThat(stderr.toString()).doesNotContain("OutOfMemoryError");
        } finally {
            clients.shutdownNow();
            child.getOutputStream().close();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Sends a pull, once more if a kept-alive connection turned out closed before any byte came
     * back: the service closes connections idle for 30 s, and a client that picks one from its
     * pool at that moment gets no answer at all. A pull is safe to repeat; anything else fails.
     */
    private static HttpResponse<InputStream> send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
            }
        }
    }

    /**
     * Every page of a first pull, read as a stream; checks each payload and returns the ids in order.
     * A page refused with the retryable 503 {@code tenant_busy} is asked for again, as the protocol
     * tells clients, at most {@link #BUSY_RETRIES} times in all: the service gives a request's
     * tenant permit back when it has finished writing the answer, which can be just after the
     * client has read it and sent its next page, so 8 clients against 8 permits may overlap by one.
     */
    private static List<String> pullAll(HttpClient http, int port) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int busy = 0;
        while (true) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sync/v2/pull"))
                    .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer tok-a")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sinceCursor\":" + (cursor == null ? "null" : "\"" + cursor + "\"") + "}"))
                    .build();
            HttpResponse<InputStream> response = send(http, request);
            try (InputStream body = response.body()) {
                if (response.statusCode() == 503 && busy < BUSY_RETRIES) {
                    String answer = new String(body.readNBytes(2000), StandardCharsets.UTF_8);
                    if (answer.contains("\"tenant_busy\"")) {
                        busy++;
                        Thread.sleep(20);
                        continue;
                    }
                    throw new AssertionError("pull answered 503: " + answer);
                }
                if (response.statusCode() != 200) {
                    throw new AssertionError("pull answered " + response.statusCode() + ": "
                            + new String(body.readNBytes(2000), StandardCharsets.UTF_8));
                }
                boolean hasMore;
                try (JsonParser p = JSON.createParser(body)) {
                    Page page = page(p, ids);
                    cursor = page.cursor;
                    hasMore = page.hasMore;
                }
                if (!hasMore) {
                    return ids;
                }
            }
        }
    }

    /** How many tenant_busy answers one client's pull may get before the test fails. */
    private static final int BUSY_RETRIES = 50;

    private record Page(String cursor, boolean hasMore) {
    }

    private static Page page(JsonParser p, List<String> ids) throws IOException {
        String cursor = null;
        boolean hasMore = false;
        assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "objects" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String id = null;
                        String payload = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            if (name.equals("objectId")) {
                                id = p.getText();
                            } else if (name.equals("payload")) {
                                payload = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                        assertThat(id).isNotNull();
                        assertThat(payload).as("payload of %s", id).isEqualTo(payload(Integer.parseInt(id.substring("object-".length()))));
                        ids.add(id);
                    }
                }
                case "serverCursor" -> cursor = p.getText();
                case "hasMore" -> hasMore = p.getBooleanValue();
                default -> p.skipChildren();
            }
        }
        return new Page(cursor, hasMore);
    }

    private static String tail(StringBuffer text) {
        return text.length() <= 4000 ? text.toString() : "..." + text.substring(text.length() - 4000);
    }

    private static void copy(InputStream in, StringBuffer into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                into.append(line).append('\n');
            }
        } catch (IOException e) {
            into.append("(stderr ended: ").append(e).append(")\n");
        }
    }
}
