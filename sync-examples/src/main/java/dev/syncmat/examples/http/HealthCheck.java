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

    /** What one check found; {@code problem} null when healthy. */
    record Result(boolean reachable, int schemaVersion, String code, String problem) {
        static final String UNAVAILABLE = "database_unavailable";
        static final String SCHEMA_OUTDATED = "schema_outdated";

        static Result unreachable(String problem) {
            return new Result(false, -1, UNAVAILABLE, problem);
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
                    fresh.complete(Result.unreachable("the health check is stopped"));
                }
                check = fresh;
                break;
            }
        }
        Result late = Result.unreachable("the database did not answer within " + timeout.toMillis() + " ms");
        return check.copy().completeOnTimeout(late, timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(this::note);
    }

    private static final String UNAVAILABLE = "the database is unavailable";
    // What the client is told when the database failed: the details may name hosts.
    private static final String FAILED = "the database failed the health check: ";

    private Result readVersion() {
        int version;
        try {
            version = versionReader.schemaVersion();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Result.unreachable(FAILED + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()));
        }
        int latest = SyncStore.latestSchemaVersion();
        if (version < latest) {
            return new Result(true, version, Result.SCHEMA_OUTDATED, "the database's schema is at version " + version
                    + ", this service needs version " + latest + " (run sync-cli migrate)");
        }
        return new Result(true, version, null, null);
    }

    /** Logs a change of state; returns what the client is told. */
    private Result note(Result found) {
        if (!found.healthy() && down.compareAndSet(false, true)) {
            LOG.warn("health: database unavailable: {}", found.problem());
        } else if (found.healthy() && down.compareAndSet(true, false)) {
            LOG.info("health: database available again");
        }
        return found.problem() != null && found.problem().startsWith(FAILED)
                ? new Result(false, -1, found.code(), UNAVAILABLE) : found;
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
