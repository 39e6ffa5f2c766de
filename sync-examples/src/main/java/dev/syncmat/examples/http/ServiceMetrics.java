package dev.syncmat.examples.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The service's side of {@code GET /metrics}: the registry it scrapes (the store's meters are in
 * it when the store was built with it) and the service's own counter of answered requests, tagged
 * by route and status class, so both tags have a fixed, small set of values. Without a registry
 * it counts nothing and {@code /metrics} is not found. Thread-safe.
 */
final class ServiceMetrics {
    /** The content type of the Prometheus text format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    /** {@code registry} may be null: no metrics. */
    ServiceMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    boolean enabled() {
        return registry != null;
    }

    /** Every meter of the registry in the Prometheus text format. */
    String scrape() {
        return registry.scrape();
    }

    /** A request to {@code path} was answered with {@code status} (or cut after it began). */
    void answered(String path, int status) {
        if (registry == null) {
            return;
        }
        Counter.builder("syncmat.http.requests").description("Requests the service answered, by route and status class")
                .tag("route", route(path)).tag("status", status / 100 + "xx").register(registry).increment();
    }

    /** The route a path names, or {@code other}: one of a fixed set, whatever the path. */
    static String route(String path) {
        return switch (path) {
            case "/api/sync/v2/push" -> "push";
            case "/api/sync/v2/pull" -> "pull";
            case "/health" -> "health";
            case "/metrics" -> "metrics";
            default -> path.startsWith("/api/sync/v2/objects/") && path.endsWith("/history") ? "history" : "other";
        };
    }
}
