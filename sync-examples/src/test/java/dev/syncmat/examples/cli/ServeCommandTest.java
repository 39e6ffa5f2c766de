package dev.syncmat.examples.cli;

import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code serve} as run from the command line: its startup line, its options, and stopping it. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void theStartupLineShowsNoPasswordAndTheServiceAnswers() throws Exception {
        TestDatabases.Database db = TestDatabases.postgres();
        // The embedded server trusts local connections, so any password gets in.
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "password=secret";
        Path tokens = dir.resolve("tokens.json");
        Files.writeString(tokens, "{\"tok-a\":\"tenant-a\"}", StandardCharsets.UTF_8);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serve = new Thread(() -> exit.set(SyncCli.run(new String[]{"serve", "--db", url, "--port", "0",
                "--tokens", tokens.toString(), "--threads", "4", "--idle-timeout", "5s"}, new PrintWriter(out, true),
                new PrintWriter(err, true))));
        serve.start();
        Pattern started = Pattern.compile("serving .* on http://127\\.0\\.0\\.1:(\\d+)/api/sync/v2/ with (.*)");
        Matcher m;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(m = started.matcher(err.toString())).find()) {
            assertThat(serve.isAlive()).as("serve stopped early: %s", err).isTrue();
            assertThat(System.nanoTime()).as("no startup line in: %s", err).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(err.toString()).doesNotContain("secret");
        assertThat(m.group(2).trim()).endsWith("password=***");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"database\":{\"reachable\":true,\"schemaVersion\":"
                + SyncStore.latestSchemaVersion() + ",\"latestSchemaVersion\":" + SyncStore.latestSchemaVersion() + "}}");
        // serve scrapes the store's meters, its pools' (HikariCP) and the JVM's.
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("syncmat_push_seconds_count{result=\"ok\"} 0", "syncmat_ops_total{outcome=\"applied\"} 0",
                "hikaricp_connections_max{pool=\"sync-cli\"}", "hikaricp_connections_max{pool=\"sync-health\"}",
                "jvm_memory_used_bytes", "syncmat_http_requests_total{route=\"health\",status=\"2xx\"} 1");

        serve.interrupt();
        serve.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(serve.isAlive()).isFalse();
        assertThat(exit.get()).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpListsTheLimits() {
        CliRunner.Result r = CliRunner.run("serve", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--idle-timeout", "--queue", "--tenant-concurrency", "--max-body-bytes", "--threads",
                "--max-connections", "--health-timeout", "--password-env");
    }

    @Test
    void badLimitsAreUsageErrors() throws Exception {
        Path tokens = dir.resolve("tokens.json");
        Files.writeString(tokens, "{\"tok-a\":\"tenant-a\"}", StandardCharsets.UTF_8);
        CliRunner.Result r = CliRunner.run("serve", "--db", "jdbc:h2:mem:x", "--tokens", tokens.toString(), "--threads", "4",
                "--tenant-concurrency", "4");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("tenantConcurrency must be between 1 and threads - 1 = 3, but was 4");
        CliRunner.Result t = CliRunner.run("serve", "--db", "jdbc:h2:mem:x", "--tokens", tokens.toString(), "--idle-timeout", "soon");
        assertThat(t.exitCode()).isEqualTo(2);
        assertThat(t.err()).contains("--idle-timeout", "\"soon\"");
    }

    @Test
    void aMissingPasswordVariableIsNamed() throws Exception {
        Path tokens = dir.resolve("tokens.json");
        Files.writeString(tokens, "{\"tok-a\":\"tenant-a\"}", StandardCharsets.UTF_8);
        String name = "SYNCMAT_TEST_UNSET_" + System.nanoTime();
        CliRunner.Result r = CliRunner.run("serve", "--db", "jdbc:h2:mem:x", "--tokens", tokens.toString(), "--password-env", name);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--password-env", name, "not set");
        CliRunner.Result pull = CliRunner.run("pull", "--db", "jdbc:h2:mem:x", "--tenant", "t", "--password-env", name);
        assertThat(pull.exitCode()).isEqualTo(2);
        assertThat(pull.err()).contains("--password-env", name, "not set");
    }
}
