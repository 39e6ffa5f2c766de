package dev.syncmat.examples.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.HistoryPage;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.jdbi.SyncStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routes of the service. Runs on Jetty's threads only to route, authenticate, take a tenant
 * permit and start reading the body; the body arrives by demand callbacks, and the store call and
 * the writing of its answer run on the bounded store executor, which completes Jetty's callback.
 * No thread waits for a client, and nothing waits for a store thread but a queued task.
 * Thread-safe.
 */
final class SyncHandler extends Handler.Abstract {
    private static final String PREFIX = "/api/sync/v2/";
    /** Entries of a history page when the request names no {@code limit}. */
    static final int DEFAULT_HISTORY_LIMIT = 100;
    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private final SyncStore store;
    private final SyncProtocol protocol;
    private final Map<String, String> tenantsByToken;
    private final TenantPermits permits;
    private final Executor storeExecutor;
    private final HealthCheck health;
    private final int maxBodyBytes;
    private final ServiceMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<CompletableFuture<PullResponse>> waits = ConcurrentHashMap.newKeySet();
    /** The last woken page and its body ({@link #serialized}). */
    private volatile Object[] lastBody;

    /**
     * {@code health} may be null: then {@code /health} does not ask the database. {@code metrics}
     * counts the answers and serves {@code /metrics} when it has a registry.
     */
    SyncHandler(SyncStore store, SyncProtocol protocol, Map<String, String> tenantsByToken, TenantPermits permits,
                Executor storeExecutor, HealthCheck health, int maxBodyBytes, ServiceMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.protocol = protocol;
        this.tenantsByToken = Map.copyOf(tenantsByToken);
        this.permits = permits;
        this.storeExecutor = storeExecutor;
        this.health = health;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Requests accepted and not yet answered. */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        inFlight.incrementAndGet();
        Exchange exchange = new Exchange(request, response, callback, () -> {
            inFlight.decrementAndGet();
            metrics.answered(request.getHttpURI().getPath() == null ? "" : request.getHttpURI().getPath(), response.getStatus());
        });
        try {
            route(exchange);
        } catch (Throwable t) {
            exchange.fail(t);
        }
        return true;
    }

    private void route(Exchange ex) throws HttpError {
        String path = ex.path();
        String method = ex.request.getMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET");
            health(ex);
            return;
        }
        if (path.equals("/metrics") && metrics.enabled()) {
            requireMethod(method, "GET");
            // A scrape reads counters in memory (no database): it runs here, never queued behind store calls.
            byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, ServiceMetrics.CONTENT_TYPE);
            ex.response.write(true, ByteBuffer.wrap(text), Callback.from(ex::succeed, ex::abort));
            return;
        }
        if (!path.startsWith(PREFIX)) {
            throw HttpError.notFound(path);
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("push")) {
            requireMethod(method, "POST");
            String tenant = admit(ex);
            withBody(ex, body -> {
                List<Op> ops = protocol.readPushRequest(body);
                PushResult result = store.push(tenant, ops);
                JsonBody.write(ex.response, g -> protocol.write(g, result), ex::releasePermit);
                return null;
            });
            return;
        }
        if (rest.equals("pull")) {
            requireMethod(method, "POST");
            String tenant = admit(ex);
            withBody(ex, body -> {
                PullRequest request = protocol.readPullRequest(body);
                if (request.waits()) {
                    return livePull(ex, tenant, request);
                }
                // Streamed: the page is written as the store reads it, never held whole.
                JsonBody.write(ex.response, g -> store.pull(tenant, request, protocol.pullWriter(g)), ex::releasePermit);
                return null;
            });
            return;
        }
        if (rest.startsWith("objects/") && rest.endsWith("/history")) {
            requireMethod(method, "GET");
            String rawId = rest.substring("objects/".length(), Math.max("objects/".length(), rest.length() - "/history".length()));
            if (rawId.isEmpty() || rawId.contains("/")) {
                throw HttpError.notFound(path);
            }
            String tenant = admit(ex);
            String objectId = decodePathSegment(rawId);
            long after = longParameter(ex, "after", 0);
            int limit = (int) longParameter(ex, "limit", DEFAULT_HISTORY_LIMIT);
            submit(ex, () -> {
                HistoryPage page = store.history(tenant, objectId, after, limit);
                JsonBody.write(ex.response, g -> protocol.write(g, objectId, page), ex::releasePermit);
                return null;
            });
            return;
        }
        throw HttpError.notFound(path);
    }

    /** Authenticates the request, refuses a body declared over the cap, and takes one of its tenant's permits. */
    private String admit(Exchange ex) throws HttpError {
        String header = ex.request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpError(401, "unauthorized", "missing bearer token", null);
        }
        String tenant = tenantsByToken.get(header.substring(7).trim());
        if (tenant == null) {
            throw new HttpError(401, "unauthorized", "unknown bearer token", null);
        }
        ex.tenant(tenant);
        // A body declared over the cap can never succeed: say so (413) before a busy tenant's
        // retryable 503, so the client does not retry what will be refused again.
        if (ex.request.getLength() > maxBodyBytes) {
            throw HttpError.tooLarge(maxBodyBytes);
        }
        if (!permits.tryAcquire(tenant)) {
            throw HttpError.unavailable("tenant_busy", "too many requests of this tenant are in progress, retry later");
        }
        ex.holdPermit(() -> permits.release(tenant));
        return tenant;
    }

    /**
     * A live pull ({@code waitMs}): the first page is read here, on the store thread, under the
     * tenant's permit. If it has nothing, the request gives its permit back and waits holding no
     * thread and no connection (the store's live pulls hold it), ignoring the connection's idle
     * timeout meanwhile (the store caps the wait); the page that ends the wait is written
     * without blocking the thread that completes it.
     *
     * @return null when answered here, else the wait, which ends the exchange itself
     */
    private CompletionStage<?> livePull(Exchange ex, String tenant, PullRequest request) throws IOException {
        CompletableFuture<PullResponse> page = store.pullAsync(tenant, request);
        if (page.isDone()) {
            PullResponse now = page.join();
            JsonBody.write(ex.response, g -> protocol.write(g, now), ex::releasePermit);
            return null;
        }
        ex.releasePermit();
        ex.request.addIdleTimeoutListener(timeout -> page.isDone());
        waits.add(page);
        return page.whenComplete((p, failure) -> waits.remove(page)).thenAccept(p -> {
            byte[] body = serialized(p);
            ex.response.setStatus(200);
            ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
            ex.response.write(true, ByteBuffer.wrap(body), Callback.from(ex::succeed, ex::abort));
        });
    }

    /**
     * The body of a woken page. The pulls woken by one commit with the same request share one
     * page, completed one after another on one thread: the last body is kept for the next.
     */
    private byte[] serialized(PullResponse page) {
        Object[] last = lastBody;
        if (last != null && last[0] == page) {
            return (byte[]) last[1];
        }
        byte[] body = SyncJson.write(g -> protocol.write(g, page)).getBytes(StandardCharsets.UTF_8);
        lastBody = new Object[] {page, body};
        return body;
    }

    /** Live pulls waiting now. */
    int waiting() {
        return waits.size();
    }

    /** Ends every live pull still waiting (the service is stopping): each gets 503 and retries elsewhere. */
    void cancelWaits() {
        for (CompletableFuture<PullResponse> page : List.copyOf(waits)) {
            page.cancel(false);
        }
    }

    /** What a store route does once its body is read: runs on a store thread. */
    @FunctionalInterface
    private interface BodyTask {
        /** Null when the answer is written, else a stage that ends the exchange itself (or fails). */
        CompletionStage<?> run(String body) throws Exception;
    }

    /** What a store route does: runs on a store thread and writes the answer. */
    @FunctionalInterface
    private interface StoreTask {
        /** Null when the answer is written, else a stage that ends the exchange itself (or fails). */
        CompletionStage<?> run() throws Exception;
    }

    private void withBody(Exchange ex, BodyTask task) {
        BodyReader.read(ex.request, maxBodyBytes, bytes -> {
            ex.bodyRead();
            submit(ex, () -> task.run(BodyReader.utf8(bytes)));
        }, ex::fail);
    }

    private void submit(Exchange ex, StoreTask task) {
        try {
            storeExecutor.execute(() -> {
                try {
                    CompletionStage<?> later = task.run();
                    if (later == null) {
                        ex.succeed();
                    } else {
                        later.whenComplete((v, t) -> {
                            if (t != null) {
                                ex.fail(t);
                            }
                        });
                    }
                } catch (Throwable t) {
                    ex.fail(t);
                }
            });
        } catch (RejectedExecutionException e) {
            ex.fail(HttpError.unavailable("overloaded", "too many requests are waiting for the database, retry later"));
        }
    }

    /** A non-negative integer query parameter, or {@code otherwise} when absent. */
    private static long longParameter(Exchange ex, String name, long otherwise) throws HttpError {
        String value = Request.extractQueryParameters(ex.request).getValue(name);
        if (value == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new HttpError(400, "invalid_input", name + " must be a non-negative integer, but was \""
                + (value.length() > 40 ? value.substring(0, 37) + "..." : value) + "\"", name);
    }

    private void health(Exchange ex) {
        if (health == null) {
            ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
            ex.response.write(true, ByteBuffer.wrap(HEALTHY), Callback.from(ex::succeed, ex::abort));
            return;
        }
        health.check().whenComplete((found, failure) -> {
            try {
                ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
                if (failure != null) {
                    ex.fail(failure);
                } else if (found.healthy()) {
                    ex.response.write(true, ByteBuffer.wrap(healthBody(found)), Callback.from(ex::succeed, ex::abort));
                } else {
                    ex.response.setStatus(503);
                    ex.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                    ex.response.write(true, ByteBuffer.wrap(healthBody(found)), Callback.from(ex::succeed, ex::abort));
                    Exchange.LOG.warn("503 GET /health: {}", found.problem());
                }
            } catch (Throwable t) {
                ex.fail(t);
            }
        });
    }

    /**
     * {@code {"status":"ok"|"unavailable","error":{..},"database":{"reachable":..,"schemaVersion":..,
     * "latestSchemaVersion":..}}}: the error only when unhealthy, the schema version only when the
     * database answered.
     */
    private static byte[] healthBody(HealthCheck.Result found) {
        return SyncJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("status", found.healthy() ? "ok" : "unavailable");
            if (!found.healthy()) {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", found.code());
                g.writeStringField("message", found.problem());
                g.writeEndObject();
            }
            g.writeObjectFieldStart("database");
            g.writeBooleanField("reachable", found.reachable());
            if (found.reachable()) {
                g.writeNumberField("schemaVersion", found.schemaVersion());
            }
            g.writeNumberField("latestSchemaVersion", SyncStore.latestSchemaVersion());
            g.writeEndObject();
            g.writeEndObject();
        }).getBytes(StandardCharsets.UTF_8);
    }

    private static void requireMethod(String actual, String expected) throws HttpError {
        if (!actual.equals(expected)) {
            throw new HttpError(405, "method_not_allowed", "use " + expected + ", not " + actual, null);
        }
    }

    /**
     * Percent-decodes one path segment into strict UTF-8; every other character stands for itself
     * ({@code +} included). Jetty has checked the escapes already; this refuses them again rather
     * than guess.
     */
    static String decodePathSegment(String raw) throws HttpError {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new HttpError(400, "invalid_input", "objectId has a bad percent escape", "objectId");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                throw new HttpError(400, "invalid_input", "objectId must be percent-encoded", "objectId");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "invalid_input", "objectId is not valid UTF-8 once percent-decoded", "objectId");
        }
    }
}
