package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.examples.http.ServiceMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI beside a running service on the embedded default, an H2 file: the service runs in a JVM
 * of its own (within one JVM H2 shares an open file anyway, so only another process shows the file
 * lock), and the CLI's commands open the same file while it serves. Also how an unreachable
 * PostgreSQL is reported.
 */
class CliBesideServiceTest {
    @TempDir
    Path dir;

    private static Process start(String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static Thread copy(InputStream in, StringBuffer to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    to.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void stop(Process child) throws InterruptedException {
        child.destroy();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits (up to a generous deadline) until the child's output matches {@code pattern}. */
    private static Matcher await(Process child, StringBuffer output, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Matcher m;
        while (!(m = pattern.matcher(output)).find()) {
            assertThat(child.isAlive()).as("the child stopped early: %s", output).isTrue();
            assertThat(System.nanoTime()).as("no line matching %s in: %s", pattern, output).isLessThan(deadline);
            Thread.sleep(50);
        }
        return m;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void pullAndHistoryWorkOnTheFileOfARunningServe() throws Exception {
        String url = "jdbc:h2:" + dir.resolve("sync-data").resolve("sync").toAbsolutePath();
        Path tokens = dir.resolve("tokens.json");
        Files.writeString(tokens, "{\"tok-a\":\"acme\"}", StandardCharsets.UTF_8);
        Process serve = start(SyncCli.class.getName(), "serve", "--db", url, "--port", "0", "--tokens", tokens.toString(),
                "--threads", "2");
        StringBuffer output = new StringBuffer();
        copy(serve.getInputStream(), output);
        try {
            Matcher m = await(serve, output, Pattern.compile("serving .* on http://127\\.0\\.0\\.1:(\\d+)/api/sync/v2/"));
            int port = Integer.parseInt(m.group(1));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = "{\"ops\":[{\"opId\":\"a1\",\"objectId\":\"note-1\",\"objectType\":\"note\",\"kind\":\"update\","
                    + "\"clock\":{\"a\":1},\"payload\":{\"t\":\"from the service\"}},"
                    + "{\"opId\":\"b1\",\"objectId\":\"note-1\",\"objectType\":\"note\",\"kind\":\"update\","
                    + "\"clock\":{\"b\":1},\"payload\":{\"t\":\"beside\"}}]}";
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sync/v2/push"))
                    .header("Authorization", "Bearer tok-a").header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);

            CliRunner.Result pull = CliRunner.run("pull", "--db", url, "--tenant", "acme");
            assertThat(pull.exitCode()).as(pull.err()).isZero();
            JsonNode page = SyncJson.parseTree(pull.out().strip(), "output");
            assertThat(page.get("objects").findValuesAsText("objectId")).containsExactly("note-1");
            assertThat(page.get("objects").get(0).get("heads").intValue()).isEqualTo(2);

            CliRunner.Result history = CliRunner.run("history", "--db", url, "--tenant", "acme", "--object", "note-1");
            assertThat(history.exitCode()).as(history.err()).isZero();
            assertThat(history.out().lines().map(l -> SyncJson.parseTree(l, "output").get("opId").textValue()))
                    .containsExactly("a1", "b1");

            // The service still serves, and sees nothing it did not write.
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(serve.isAlive()).as(output.toString()).isTrue();
        } finally {
            stop(serve);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFileHeldByAProcessThatDoesNotShareItIsReportedAsInUse() throws Exception {
        String url = "jdbc:h2:" + dir.resolve("held").toAbsolutePath();
        // ServiceMain opens the URL as it is given: without AUTO_SERVER, so it holds H2's file lock alone.
        Process holder = start(ServiceMain.class.getName(), url, "", "");
        StringBuffer output = new StringBuffer();
        copy(holder.getInputStream(), output);
        try {
            await(holder, output, Pattern.compile("port \\d+"));
            CliRunner.Result pull = CliRunner.run("pull", "--db", url, "--tenant", "acme");
            assertThat(pull.exitCode()).isEqualTo(3);
            assertThat(pull.err()).contains("is in use by another process", "90020", "AUTO_SERVER=TRUE");
        } finally {
            stop(holder);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPostgresqlServerThatNeverAnswersIsReportedWithTheCause() throws Exception {
        // A port that accepts connections (the kernel completes them) but never says a word.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CliRunner.Result r = CliRunner.run("pull", "--db", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                    + "/none?user=x", "--tenant", "acme");
            assertThat(r.exitCode()).isEqualTo(3);
            // The driver's own failure, not only the pool's "request timed out after 5000ms"; its text
            // is in the JVM's language (the build pins one), so the class and SQLSTATE are checked.
            assertThat(r.err()).contains("(SQLSTATE 08001)", "caused by PSQLException: ");
        }
    }
}
