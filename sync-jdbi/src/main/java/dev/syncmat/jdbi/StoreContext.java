package dev.syncmat.jdbi;

import dev.syncmat.core.SyncException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * What every call of a {@link SyncStore} runs through: the application's {@link Jdbi}, the
 * store's options, the dialect's SQL (detected on first use unless the options name a dialect),
 * the wait limits, and the one place where database failures become {@link StoreException}s.
 * Thread-safe.
 */
final class StoreContext {
    /** Work done on a handle with the store's SQL. */
    @FunctionalInterface
    interface Work<T> {
        T run(Handle h, Sql sql);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);
    private static final String SAVEPOINT = "syncmat_call";

    private final Jdbi jdbi;
    private final StoreOptions options;
    private final StoreMetrics metrics;
    private final HeadsCache headsCache;
    private volatile Sql sql;

    StoreContext(Jdbi jdbi, StoreOptions options, StoreMetrics metrics, HeadsCache headsCache) {
        this.jdbi = jdbi;
        this.options = options;
        this.metrics = metrics;
        this.headsCache = headsCache;
        if (options.dialect() != null) {
            this.sql = new Sql(options.dialect().implementation(), options.schema());
        }
    }

    StoreOptions options() {
        return options;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** What the store keeps of the objects it merged into ({@link HeadsCache}). */
    HeadsCache headsCache() {
        return headsCache;
    }

    /** Where the store's work is reported ({@link StoreMetrics#NONE} without a meter registry). */
    StoreMetrics metrics() {
        return metrics;
    }

    /** The store's SQL for the database {@code h} is connected to. */
    Sql sql(Handle h) {
        Sql s = sql;
        if (s == null) {
            s = new Sql(Dialect.detect(h), options.schema());
            sql = s;
        }
        return s;
    }

    /** The dialect's public name, connecting once to detect it if it is not known yet. */
    SqlDialect dialectKind() {
        Sql s = sql;
        return s != null ? s.dialect().kind() : withHandle("detecting the database", (h, found) -> found.dialect().kind());
    }

    /** The dialect, if known yet (else the one that classifies a failure to connect). */
    Dialect dialect() {
        Sql s = sql;
        return s == null ? Dialect.generic() : s.dialect();
    }

    /**
     * Runs {@code work} in a transaction of its own at the isolation level {@code isolation} picks
     * for the dialect (null: the connection's default), with the store's wait limits.
     */
    <T> T inTransaction(String doing, Function<Dialect, TransactionIsolationLevel> isolation, Work<T> work) {
        return inTransaction(doing, isolation, false, work);
    }

    /**
     * As {@link #inTransaction(String, Function, Work)}; {@code keyed} says that every statement of
     * {@code work} finds or writes rows by key, as a push's do ({@link Dialect#limitWaits(Handle, long, long, boolean)}).
     */
    <T> T inTransaction(String doing, Function<Dialect, TransactionIsolationLevel> isolation, boolean keyed, Work<T> work) {
        try {
            return jdbi.withHandle(h -> {
                Sql s = sql(h);
                return isolation == null
                        ? h.inTransaction(t -> limited(t, s, false, keyed, work))
                        : h.inTransaction(isolation.apply(s.dialect()), t -> limited(t, s, false, keyed, work));
            });
        } catch (RuntimeException e) {
            throw translate(doing, e);
        }
    }

    /**
     * Runs {@code work} on the caller's {@code handle}: inside its open transaction behind a
     * savepoint, so that input rejected half-way leaves nothing behind when the caller commits
     * anyway, or in a new transaction when none is open.
     */
    <T> T onCallerHandle(Handle handle, String doing, boolean keyed, Work<T> work) {
        try {
            Sql s = sql(handle);
            if (!handle.isInTransaction()) {
                return handle.inTransaction(t -> limited(t, s, false, keyed, work));
            }
            handle.savepoint(SAVEPOINT);
            T result;
            try {
                result = limited(handle, s, true, keyed, work);
            } catch (SyncException e) {
                // A database failure has failed the transaction; refused work has not, so take it back.
                if (!(e instanceof StoreException) || e instanceof PolicyMismatchException) {
                    handle.rollbackToSavepoint(SAVEPOINT);
                }
                throw e;
            }
            handle.releaseSavepoint(SAVEPOINT);
            return result;
        } catch (RuntimeException e) {
            throw translate(doing, e);
        }
    }

    /** Runs {@code work} on a handle of its own without opening a transaction. */
    <T> T withHandle(String doing, Work<T> work) {
        try {
            return jdbi.withHandle(h -> work.run(h, sql(h)));
        } catch (RuntimeException e) {
            throw translate(doing, e);
        }
    }

    // The wait limits around work; put back afterwards where they would outlive the work.
    private <T> T limited(Handle h, Sql s, boolean callerTransaction, boolean keyed, Work<T> work) {
        Dialect d = s.dialect();
        Runnable restore = d.limitWaits(h, options.lockWaitTimeout().toMillis(), options.statementTimeout().toMillis(), keyed);
        if (!callerTransaction && !d.limitsOutliveTransaction()) {
            return work.run(h, s);
        }
        T result;
        try {
            result = work.run(h, s);
        } catch (RuntimeException e) {
            try {
                restore.run();
            } catch (RuntimeException suppressed) {
                // The transaction may be failed already; the caller rolls it back, which ends the limits.
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        restore.run();
        return result;
    }

    /** The one translation of failures: the library's own pass, database failures become StoreExceptions. */
    RuntimeException translate(String doing, RuntimeException e) {
        if (e instanceof SyncException) {
            return e;
        }
        if (e instanceof JdbiException) {
            StoreException wrapped = StoreException.wrap(doing, e, dialect());
            if (wrapped.isLockTimeout()) {
                metrics.lockTimedOut();
                LOG.warn("gave up after {} ms waiting for the tenant's lock while {}", options.lockWaitTimeout().toMillis(), doing);
            } else {
                LOG.debug("{}", wrapped.getMessage());
            }
            return wrapped;
        }
        return e;
    }
}
