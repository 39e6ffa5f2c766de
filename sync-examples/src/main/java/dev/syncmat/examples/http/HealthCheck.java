package dev.syncmat.examples.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code SELECT 1} on a data source of its own, on a thread of its own, so that the answer of
 * {@code /health} never waits behind tenant work. At most one check runs at a time: requests that
 * come while one runs share its outcome. Each caller waits at most the timeout, even when the
 * check itself hangs (a database behind a dead network). Logs when the database goes down and when
 * it comes back, not on every check. Thread-safe.
 */
final class HealthCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);

    private final DataSource dataSource;
    private final Duration timeout;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sync-health");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CompletableFuture<String>> running = new AtomicReference<>();
    private final AtomicBoolean down = new AtomicBoolean();

    HealthCheck(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    /**
     * Completes with null when the database answered in time, else with a message for the client
     * (the details, which may name hosts, go to the log only); never fails.
     */
    CompletableFuture<String> check() {
        CompletableFuture<String> check;
        while (true) {
            CompletableFuture<String> current = running.get();
            if (current != null && !current.isDone()) {
                check = current;
                break;
            }
            CompletableFuture<String> fresh = new CompletableFuture<>();
            if (running.compareAndSet(current, fresh)) {
                try {
                    thread.execute(() -> fresh.complete(selectOne()));
                } catch (RuntimeException e) {
                    fresh.complete("the health check is stopped");
                }
                check = fresh;
                break;
            }
        }
        String late = "the database did not answer within " + timeout.toMillis() + " ms";
        return check.copy().completeOnTimeout(late, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(problem -> problem == null || problem.equals(late) ? note(problem, problem) : note(problem, UNAVAILABLE));
    }

    private static final String UNAVAILABLE = "the database is unavailable";

    private String selectOne() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
            s.execute("SELECT 1");
            return null;
        } catch (Exception e) {
            return "the database failed the health check: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        }
    }

    /** Logs a change of state with {@code detail}; returns what the client is told. */
    private String note(String detail, String told) {
        if (detail != null && down.compareAndSet(false, true)) {
            LOG.warn("health: database unavailable: {}", detail);
        } else if (detail == null && down.compareAndSet(true, false)) {
            LOG.info("health: database available again");
        }
        return told;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
