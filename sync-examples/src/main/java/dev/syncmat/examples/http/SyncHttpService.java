package dev.syncmat.examples.http;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.jdbi.SyncStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The v2 sync endpoints over HTTP, on Jetty:
 * <ul>
 *   <li>{@code POST /api/sync/v2/push} {@code {"ops":[...]}} -> {@code {"results":[..],"serverCursor":..}}</li>
 *   <li>{@code POST /api/sync/v2/pull} {@code {"sinceCursor":..,"scope":{..},"limit":N,"waitMs":N}} ->
 *       {@code {"objects":[..],"serverCursor":..,"hasMore":..}}; with {@code waitMs} a pull that finds
 *       nothing waits for a change (a live pull, {@link SyncStore#pullAsync}) holding no store
 *       thread, no connection and no tenant permit</li>
 *   <li>{@code GET /api/sync/v2/objects/{id}/history} -> {@code {"objectId":..,"entries":[..]}}</li>
 *   <li>{@code GET /health} -> {@code {"status":"ok","database":{"reachable":true,"schemaVersion":8,
 *       "latestSchemaVersion":8}}}, or 503 {@code {"status":"unavailable","error":{..},"database":{..}}}
 *       when the health data source of the {@link ServiceOptions} does not answer in time
 *       ({@code database_unavailable}) or its schema is older than this library's
 *       ({@code schema_outdated}); {@code {"status":"ok"}} without a health data source</li>
 *   <li>{@code GET /metrics} -> the meters in the Prometheus text format, when the service was
 *       started with a registry</li>
 * </ul>
 * The tenant comes from {@code Authorization: Bearer <token>} looked up in a token map, never
 * from the body.
 *
 * <p>Errors are {@code {"error":{"code":..,"message":..,"field":..}}}, also those the HTTP layer
 * raises by itself: 400 for bad input and for requests that cannot be parsed (bad escapes in the
 * path, a bad Content-Length or chunk size), 401 without a known token, 404/405 for unknown routes,
 * 408 for a body that stops arriving, 413 for a body over the cap, 414/431 for a URI or headers over
 * Jetty's limits, 503 with {@code Retry-After} when the service is at a bound ({@code overloaded},
 * {@code tenant_busy}) or the database fails in a retryable way ({@code store_unavailable}), 500
 * otherwise. Nothing is stored on any error. An answer already under way when a failure strikes
 * (a streamed history) is cut instead, which the client sees as a closed connection. The library's
 * exceptions are mapped by {@link SyncProtocol#errorStatus(Throwable)}; {@code docs/openapi.yaml}
 * is the written contract of all of this, checked against the running service by its tests.
 *
 * <p>Bounds, all in {@link ServiceOptions}: connections idle longer than the idle timeout are
 * closed, and no thread waits for a slow client (Jetty parses headers on its selector, bodies are
 * read by demand callbacks); store calls run on {@code threads} threads with {@code queue} places
 * to wait; one tenant has at most {@code tenantConcurrency} requests in progress, fewer than the
 * threads; {@code /health} runs on a thread and a data source of its own. Every request ends with
 * an answer or a closed connection, whatever is thrown, an {@link Error} included; 500 and 503
 * answers are logged with the path and the tenant.
 *
 * <p>Thread-safe. {@link #close()} stops it.
 */
public final class SyncHttpService implements AutoCloseable {
    private static final long DRAIN_MILLIS = 2000;

    private final Server server;
    private final ServerConnector connector;
    private final SyncHandler handler;
    private final ThreadPoolExecutor storeExecutor;
    private final HealthCheck health;

    private SyncHttpService(SyncStore store, Map<String, String> tenantsByToken, ServiceOptions options,
                            PrometheusMeterRegistry registry) {
        SyncJson json = SyncJson.withLimits(store.options().limits());
        this.storeExecutor = storeExecutor(options);
        this.health = options.health().map(ds -> new HealthCheck(ds, store, options.healthTimeout())).orElse(null);
        this.handler = new SyncHandler(store, SyncProtocol.of(json), tenantsByToken,
                new TenantPermits(new HashSet<>(tenantsByToken.values()), options.tenantConcurrency()), storeExecutor, health,
                options.maxBodyBytes(), new ServiceMetrics(registry));

        // Jetty's own threads only parse, route and hand over; they never wait for a client or the store.
        QueuedThreadPool jettyThreads = new QueuedThreadPool(32, 4);
        jettyThreads.setName("sync-http");
        jettyThreads.setDaemon(true);
        this.server = new Server(jettyThreads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Routes match the raw path and the history route decodes its id itself, so encoded
        // slashes, dots and percent signs in an object id are data, not path syntax.
        http.setUriCompliance(UriCompliance.DEFAULT.with("syncmat",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING, UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS));
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.address().getHostString());
        connector.setPort(options.address().getPort());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(handler);
    }

    private static ThreadPoolExecutor storeExecutor(ServiceOptions options) {
        AtomicInteger n = new AtomicInteger();
        // A full queue rejects at once (AbortPolicy): the client gets 503 instead of waiting unseen.
        return new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.MILLISECONDS,
                options.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(options.queue()), r -> {
                    Thread t = new Thread(r, "sync-store-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Starts a service.
     *
     * @param store          the store to serve; its pool should have at least {@code options.threads()} connections
     * @param tenantsByToken bearer token -> tenant id
     * @param options        where to listen and the limits ({@link ServiceOptions#defaults()} for the defaults)
     * @throws IOException if the address cannot be bound
     */
    public static SyncHttpService start(SyncStore store, Map<String, String> tenantsByToken, ServiceOptions options)
            throws IOException {
        return start(store, tenantsByToken, options, null);
    }

    /**
     * Starts a service that also answers {@code GET /metrics} with every meter of {@code registry}
     * in the Prometheus text format, and counts its answers there ({@code syncmat.http.requests}).
     * Build the store with the same registry ({@code SyncStoreBuilder.meterRegistry}) to have the
     * store's meters in the scrape too.
     *
     * @param registry the registry to scrape; null for none ({@code /metrics} is then not found)
     * @throws IOException if the address cannot be bound
     */
    public static SyncHttpService start(SyncStore store, Map<String, String> tenantsByToken, ServiceOptions options,
                                        PrometheusMeterRegistry registry) throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(options, "options");
        SyncHttpService service = new SyncHttpService(store, tenantsByToken, options, registry);
        try {
            service.server.start();
        } catch (Exception e) {
            service.close();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("could not start the HTTP server: " + e.getMessage(), e);
        }
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Requests the handler has begun and not yet answered (those still sending their headers are not counted). */
    int requestsInProgress() {
        return handler.inFlight();
    }

    /** Lets requests in progress finish (up to 2 s), then stops; idempotent. */
    @Override
    public void close() {
        handler.cancelWaits();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (handler.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            server.stop();
        } catch (Exception e) {
            Exchange.LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        storeExecutor.shutdown();
        try {
            if (!storeExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                storeExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            storeExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (health != null) {
            health.close();
        }
    }
}
