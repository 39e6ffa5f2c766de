package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import com.zaxxer.hikari.HikariDataSource;
import dev.syncmat.examples.http.ServiceOptions;
import dev.syncmat.examples.http.SyncHttpService;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve --db URL --port P --tokens FILE}: the example HTTP sync service. The tokens file is
 * a JSON object mapping bearer token to tenant id. Runs until the JVM is asked to stop (or the
 * thread running it is interrupted); the startup line on stderr never shows the database password.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, "1:the --tokens file is unreadable or malformed", SyncCli.USAGE, SyncCli.FAILURE},
        description = "Run the example HTTP sync service (POST /api/sync/v2/push and /pull, GET /health, GET /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = DbOptions.DEFAULT_H2,
            description = "Database (default: an embedded H2 file database under ./sync-data).")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Database user.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Database password (visible to other users of the machine; prefer --password-env).")
    String password;

    @Option(names = "--password-env", paramLabel = "NAME", description = "Read the database password from environment variable NAME.")
    String passwordEnv;

    @Option(names = "--schema", paramLabel = "SCHEMA", description = "Schema holding the sync tables.")
    String schema;

    @Option(names = "--policy", paramLabel = "POLICY", description = PolicyOption.DESCRIPTION
            + " Recorded for each tenant on its first push; a tenant merged with another policy gets 500 policy_mismatch.")
    String policy;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port (0 for any free one; default 8080).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(names = "--tokens", required = true, paramLabel = "FILE", description = "JSON object: bearer token -> tenant id.")
    Path tokens;

    @Option(names = "--max-body-bytes", defaultValue = "16777216", paramLabel = "N",
            description = "Largest request body; a longer one gets 413 as soon as it passes this (default 16 MiB).")
    int maxBodyBytes;

    @Option(names = "--threads", defaultValue = "16", paramLabel = "N",
            description = "Threads running store calls (default 16, at least 2); the store's pool has 3 more, for live pulls.")
    int threads;

    @Option(names = "--queue", defaultValue = "64", paramLabel = "N",
            description = "Store calls that may wait for a thread; past it 503 overloaded (default 64).")
    int queue;

    @Option(names = "--tenant-concurrency", paramLabel = "N",
            description = "Requests of one tenant in progress at once; past it 503 tenant_busy (default 4, at most threads - 1).")
    Integer tenantConcurrency;

    @Option(names = "--idle-timeout", defaultValue = "30s", paramLabel = "D",
            description = "Close a connection that sends or reads nothing for this long, like 30s or 2m (default 30s).")
    String idleTimeout;

    @Option(names = "--max-connections", defaultValue = "1024", paramLabel = "N",
            description = "Open connections; past it new ones wait to be accepted (default 1024).")
    int maxConnections;

    @Mixin
    HeadsOptions heads;

    @Option(names = "--health-timeout", defaultValue = "1s", paramLabel = "D",
            description = "How long GET /health waits for SELECT 1 on its own connection before answering 503 (default 1s).")
    String healthTimeout;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> tenants;
        try {
            tenants = readTokens(tokens);
        } catch (IllegalArgumentException e) {
            err.println("error: --tokens: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        Duration idle = SoakCommand.parseDuration(idleTimeout);
        Duration healthWait = SoakCommand.parseDuration(healthTimeout);
        if (idle == null || healthWait == null) {
            err.println("error: " + (idle == null ? "--idle-timeout" : "--health-timeout")
                    + " must be a duration like 30s, 2m or PT30S, but was \""
                    + (idle == null ? idleTimeout : healthTimeout) + "\"");
            return SyncCli.EXIT_USAGE;
        }
        DbOptions db = new DbOptions();
        db.url = url;
        db.user = user;
        db.password = password;
        db.passwordEnv = passwordEnv;
        db.schema = schema;
        db.policy = policy;
        heads.applyTo(db);
        // GET /metrics: the store's meters, the pools', the service's and the JVM's.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        db.meterRegistry = registry;
        ServiceOptions.Builder limits = ServiceOptions.builder().address(new InetSocketAddress(bind, port)).idleTimeout(idle)
                .maxBodyBytes(maxBodyBytes).threads(threads).queue(queue).maxConnections(maxConnections).healthTimeout(healthWait);
        if (tenantConcurrency != null) {
            limits.tenantConcurrency(tenantConcurrency);
        }
        ServiceOptions checked;
        try {
            // Checked before the database is opened.
            checked = limits.build();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_USAGE;
        }
        // The health check has a connection of its own, so that it never waits behind tenant work.
        // The pool: one connection per store thread, and three for live pulls (LISTEN, and the two
        // threads that read again for woken pulls).
        try (DbOptions.Opened opened = db.open(threads + 3);
             HikariDataSource healthPool = healthPool(db, healthWait);
             SyncHttpService service = SyncHttpService.start(opened.store(), tenants,
                     limits.healthDataSource(healthPool).build(), registry)) {
            err.println("serving " + tenants.size() + " token(s) on http://" + bind + ":" + service.port()
                    + "/api/sync/v2/ with " + db.printableUrl());
            err.println("limits: " + threads + " store threads, queue " + queue + ", " + checked.tenantConcurrency()
                    + " requests per tenant, idle timeout " + idleTimeout.trim() + ", body cap " + maxBodyBytes + " bytes, "
                    + maxConnections + " connections, health timeout " + healthTimeout.trim());
            err.flush();
            awaitStop();
        }
        return 0;
    }

    private static HikariDataSource healthPool(DbOptions db, Duration wait) {
        HikariDataSource pool = db.pool(1, "sync-health");
        // Hikari's floor is 250 ms; an answer later than the health timeout is a failure anyway.
        pool.setConnectionTimeout(Math.max(250, wait.toMillis()));
        pool.setValidationTimeout(Math.max(250, wait.toMillis()));
        return pool;
    }

    /** Until the JVM shuts down or this thread is interrupted. */
    private static void awaitStop() {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "sync-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            // Asked to stop; the service closes on the way out.
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    static Map<String, String> readTokens(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        JsonNode root;
        try {
            root = SyncJson.parseTree(text, "tokens");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException("the file must hold a non-empty JSON object of token -> tenant id");
        }
        Map<String, String> tenants = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().isEmpty() || !e.getValue().isTextual() || e.getValue().textValue().isEmpty()) {
                throw new IllegalArgumentException("every token must map to a non-empty tenant id string");
            }
            tenants.put(e.getKey(), e.getValue().textValue());
        }
        return tenants;
    }
}
