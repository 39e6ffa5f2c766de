package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.examples.http.ServiceOptions;
import dev.syncmat.examples.http.SyncHttpService;
import picocli.CommandLine.Command;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve --db URL --port P --tokens FILE}: the example HTTP sync service. The tokens file is
 * a JSON object mapping bearer token to tenant id.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the example HTTP sync service (POST /api/sync/v2/push and /pull).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = DbOptions.DEFAULT_H2,
            description = "Database (default: an embedded H2 file database under ./sync-data).")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Database user.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Database password.")
    String password;

    @Option(names = "--schema", paramLabel = "SCHEMA", description = "Schema holding the sync tables.")
    String schema;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port (0 for any free one; default 8080).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(names = "--tokens", required = true, paramLabel = "FILE", description = "JSON object: bearer token -> tenant id.")
    Path tokens;

    @Option(names = "--max-body-bytes", defaultValue = "16777216", paramLabel = "N", description = "Largest request body (default 16 MiB).")
    int maxBodyBytes;

    @Option(names = "--threads", defaultValue = "16", paramLabel = "N", description = "Request threads and pool size (default 16).")
    int threads;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> tenants;
        try {
            tenants = readTokens(tokens);
        } catch (IllegalArgumentException e) {
            err.println("error: --tokens: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        DbOptions db = new DbOptions();
        db.url = url;
        db.user = user;
        db.password = password;
        db.schema = schema;
        try (DbOptions.Opened opened = db.open(threads);
             SyncHttpService service = SyncHttpService.start(opened.store(), tenants, ServiceOptions.builder()
                     .address(new InetSocketAddress(bind, port)).maxBodyBytes(maxBodyBytes).threads(threads).build())) {
            err.println("serving " + tenants.size() + " token(s) on http://" + bind + ":" + service.port()
                    + "/api/sync/v2/ with " + url);
            err.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
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
