package dev.syncmat.examples.http;

import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the store's schema version on a data source of its own, on a thread of its own, so that
 * the answer of {@code /health} never waits behind tenant work. The database is healthy when it
 * answers and its schema is at least the version this library ships
 * ({@link SyncStore#latestSchemaVersion()}); an older schema (tables missing, or not migrated)
 * fails the check as surely as a database that does not answer. At most one check runs at a time: requests that
 * come while one runs share its outcome. Each caller waits at most the timeout, even when the
 * check itself hangs (a database behind a dead network). Logs when the database goes down and when
 * it comes back, not on every check. Thread-safe.
 */
final class HealthCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);

    /**
     * What one check found.
     *
     * @param reachable     whether the database answered
     * @param schemaVersion the installed schema version (when reachable)
     * @param code          the error code, null when healthy
     * @param problem       what the client is told, null when healthy
     * @param detail        what the log is told, which may name hosts
     */
    record Result(boolean reachable, int schemaVersion, String code, String problem, String detail) {
        static final String UNAVAILABLE = "database_unavailable";
        static final String SCHEMA_OUTDATED = "schema_outdated";

        static Result unreachable(String problem, String detail) {
            return new Result(false, -1, UNAVAILABLE, problem, detail);
        }

        boolean healthy() {
            return problem == null;
        }
    }

    private final SyncStore versionReader;
    private final Duration timeout;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sync-health");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CompletableFuture<Result>> running = new AtomicReference<>();
    private final AtomicBoolean down = new AtomicBoolean();

    /**
     * @param dataSource where to check, a pool of its own
     * @param store      the served store, whose schema (and dialect, when it names one) the check reads
     * @param timeout    how long a caller waits for the answer
     */
    HealthCheck(DataSource dataSource, SyncStore store, Duration timeout) {
        var reader = SyncStore.builder(Jdbi.create(dataSource));
        if (store.options().schema() != null) {
            reader.schema(store.options().schema());
        }
        if (store.options().dialect() != null) {
            reader.dialect(store.options().dialect());
        }
        this.versionReader = reader.build();
        this.timeout = timeout;
    }

    /**
     * Completes with what the check found in time; a problem's message is for the client (the
     * details, which may name hosts, go to the log only). Never fails.
     */
    CompletableFuture<Result> check() {
        CompletableFuture<Result> check;
        while (true) {
            CompletableFuture<Result> current = running.get();
            if (current != null && !current.isDone()) {
                check = current;
                break;
            }
            CompletableFuture<Result> fresh = new CompletableFuture<>();
            if (running.compareAndSet(current, fresh)) {
                try {
                    thread.execute(() -> fresh.complete(readVersion()));
                } catch (RuntimeException e) {
                    fresh.complete(Result.unreachable("the health check is stopped", "the health check is stopped"));
                }
                check = fresh;
                break;
            }
        }
        String lateMessage = "the database did not answer within " + timeout.toMillis() + " ms";
        Result late = Result.unreachable(lateMessage, lateMessage);
        return check.copy().completeOnTimeout(late, timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(this::note);
    }

    private Result readVersion() {
        int version;
        try {
            version = versionReader.schemaVersion();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Result.unreachable("the database is unavailable", "the database failed the health check: "
                    + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()));
        }
        int latest = SyncStore.latestSchemaVersion();
        if (version < latest) {
            String problem = "the database's schema is at version " + version + ", this service needs version " + latest
                    + " (run sync-cli migrate)";
            return new Result(true, version, Result.SCHEMA_OUTDATED, problem, problem);
        }
        return new Result(true, version, null, null, null);
    }

    /** Logs a change of state; returns what was found. */
    private Result note(Result found) {
        if (!found.healthy() && down.compareAndSet(false, true)) {
            LOG.warn("health: database unavailable: {}", found.detail());
        } else if (found.healthy() && down.compareAndSet(true, false)) {
            LOG.info("health: database available again");
        }
        return found;
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
