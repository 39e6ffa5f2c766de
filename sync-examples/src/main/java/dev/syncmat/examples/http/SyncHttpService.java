package dev.syncmat.examples.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.jdbi.SyncStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The v2 sync endpoints over HTTP:
 * <ul>
 *   <li>{@code POST /api/sync/v2/push} {@code {"ops":[...]}} -> {@code {"results":[..],"serverCursor":..}}</li>
 *   <li>{@code POST /api/sync/v2/pull} {@code {"sinceCursor":..,"scope":{..},"limit":N}} ->
 *       {@code {"objects":[..],"serverCursor":..,"hasMore":..}}</li>
 *   <li>{@code GET /api/sync/v2/objects/{id}/history} -> {@code {"objectId":..,"entries":[..]}}</li>
 *   <li>{@code GET /health} -> {@code {"status":"ok"}}</li>
 * </ul>
 * The tenant comes from {@code Authorization: Bearer <token>} looked up in a token map, never
 * from the body. Errors are {@code {"error":{"code":..,"message":..,"field":..}}}: 400 for bad
 * input, 401 without a known token, 404/405 for unknown routes, 413 for a body over the limit, 503
 * when the database fails in a retryable way, 500 otherwise. Nothing is written on any error.
 */
public final class SyncHttpService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncHttpService.class);
    private static final String PREFIX = "/api/sync/v2/";
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private final SyncStore store;
    private final Map<String, String> tenantsByToken;
    private final SyncProtocol protocol;
    private final SyncJson json;
    private final int maxBodyBytes;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger inFlight = new AtomicInteger();

    static {
        // Small JSON responses otherwise wait for delayed ACKs (Nagle): about 40 ms per request.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private SyncHttpService(SyncStore store, Map<String, String> tenantsByToken, InetSocketAddress address,
                            int maxBodyBytes, int threads) throws IOException {
        this.store = store;
        this.tenantsByToken = Map.copyOf(tenantsByToken);
        this.json = SyncJson.withLimits(store.options().limits());
        this.protocol = SyncProtocol.of(json);
        this.maxBodyBytes = maxBodyBytes;
        this.server = HttpServer.create(address, 128);
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sync-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts a service.
     *
     * @param store          the store to serve
     * @param tenantsByToken bearer token -> tenant id
     * @param address        where to listen (port 0 for any free port)
     * @param maxBodyBytes   largest request body accepted; larger ones get 413
     * @param threads        request threads (and at most as many database connections in use)
     */
    public static SyncHttpService start(SyncStore store, Map<String, String> tenantsByToken, InetSocketAddress address,
                                        int maxBodyBytes, int threads) throws IOException {
        SyncHttpService service = new SyncHttpService(store, tenantsByToken, address, maxBodyBytes, threads);
        service.server.start();
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Lets running requests finish (up to 2 s), then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // The JDK server's own grace period also waits for idle keep-alive connections; requests
        // have already finished, so stop at once.
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A response to send. */
    private record Reply(int status, String body) {
    }

    /** An error that maps to an HTTP status and an error body. */
    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final String field;

        HttpError(int status, String code, String message, String field) {
            super(message);
            this.status = status;
            this.code = code;
            this.field = field;
        }
    }

    private void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            respond(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void respond(HttpExchange exchange) {
        Reply reply;
        try {
            reply = route(exchange);
        } catch (HttpError e) {
            reply = error(e.status, e.code, e.getMessage(), e.field);
        } catch (InvalidInputException e) {
            reply = error(400, e.code(), e.getMessage(), e.field());
        } catch (StoreException e) {
            LOG.warn("database failure: {}", e.getMessage());
            reply = error(e.isRetryable() ? 503 : 500, "store_unavailable",
                    e.isRetryable() ? "the database is unavailable, retry later" : "database failure", null);
        } catch (RuntimeException | IOException e) {
            LOG.error("unexpected failure", e);
            reply = error(500, "internal", "internal error", null);
        }
        try {
            if (reply.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private Reply route(HttpExchange exchange) throws HttpError, IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET");
            return new Reply(200, "{\"status\":\"ok\"}");
        }
        if (!path.startsWith(PREFIX)) {
            throw new HttpError(404, "not_found", "no such endpoint: " + path, null);
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("push")) {
            requireMethod(method, "POST");
            String tenant = tenant(exchange);
            String body = body(exchange);
            return new Reply(200, protocol.write(store.push(tenant, protocol.readPushRequest(body))));
        }
        if (rest.equals("pull")) {
            requireMethod(method, "POST");
            String tenant = tenant(exchange);
            PullRequest request = protocol.readPullRequest(body(exchange));
            return new Reply(200, protocol.write(store.pull(tenant, request)));
        }
        if (rest.startsWith("objects/") && rest.endsWith("/history")) {
            requireMethod(method, "GET");
            String tenant = tenant(exchange);
            String rawId = rest.substring("objects/".length(), rest.length() - "/history".length());
            if (rawId.isEmpty() || rawId.contains("/")) {
                throw new HttpError(404, "not_found", "no such endpoint: " + path, null);
            }
            String objectId = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
            List<HistoryEntry> entries = store.history(tenant, objectId);
            return new Reply(200, SyncJson.write(g -> writeHistory(g, objectId, entries)));
        }
        throw new HttpError(404, "not_found", "no such endpoint: " + path, null);
    }

    private void writeHistory(JsonGenerator g, String objectId, List<HistoryEntry> entries) throws IOException {
        g.writeStartObject();
        g.writeStringField("objectId", objectId);
        g.writeArrayFieldStart("entries");
        for (HistoryEntry e : entries) {
            protocol.write(g, e);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void requireMethod(String actual, String expected) throws HttpError {
        if (!actual.equals(expected)) {
            throw new HttpError(405, "method_not_allowed", "use " + expected + ", not " + actual, null);
        }
    }

    private String tenant(HttpExchange exchange) throws HttpError {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "unauthorized", "missing bearer token", null);
        }
        String tenant = tenantsByToken.get(header.substring(7).trim());
        if (tenant == null) {
            throw new HttpError(401, "unauthorized", "unknown bearer token", null);
        }
        return tenant;
    }

    /** Reads the body as strict UTF-8, refusing more than the limit before reading it all. */
    private String body(HttpExchange exchange) throws HttpError, IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    drain(exchange);
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "invalid_input", "Content-Length is not a number", null);
            }
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (buffer.size() + n > maxBodyBytes) {
                    drain(exchange);
                    throw tooLarge();
                }
                buffer.write(chunk, 0, n);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buffer.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "invalid_input", "body is not valid UTF-8", "body");
        }
    }

    /**
     * Reads and discards the rest of an oversized body (up to {@value #DRAIN_LIMIT} bytes) so the
     * client, still sending, gets the 413 instead of a connection reset; beyond that the server
     * closes the connection.
     */
    private static void drain(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        byte[] chunk = new byte[65536];
        long drained = 0;
        int n;
        while (drained < DRAIN_LIMIT && (n = in.read(chunk)) > 0) {
            drained += n;
        }
    }

    private HttpError tooLarge() {
        return new HttpError(413, "body_too_large", "request body is larger than " + maxBodyBytes + " bytes", "body");
    }

    private static Reply error(int status, String code, String message, String field) {
        return new Reply(status, SyncJson.write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            if (field != null) {
                g.writeStringField("field", field);
            }
            g.writeEndObject();
            g.writeEndObject();
        }));
    }
}
