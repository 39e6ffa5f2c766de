package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.protocol.ReplayReport;

import java.util.function.IntSupplier;

/**
 * What the store tells about its work, for metrics. The store calls it on every push, pull,
 * replay and purge; {@link #NONE} does nothing. {@link MicrometerStoreMetrics}, the one class of
 * the store that names a Micrometer type, is created only when
 * {@link SyncStoreBuilder#meterRegistry} is called: this interface names none, so a store built
 * without a registry never loads a Micrometer class and runs without Micrometer on the class path.
 *
 * <p>Every method is cheap, never blocks and never throws. Implementations are thread-safe.
 */
interface StoreMetrics {
    /** No metrics. */
    StoreMetrics NONE = new StoreMetrics() {
    };

    /** A push that returned: its ops' outcomes, its conflicts and its wait for the tenant's lock. */
    default void pushed(PushResult result, PushTally tally, long nanos) {
    }

    /** A push that threw {@code failure} (nothing of it was written). */
    default void pushFailed(RuntimeException failure, long nanos) {
    }

    /**
     * The number of push requests that shared one committed transaction: a group commit's size,
     * or 1 for a push with a transaction of its own (group commit off, or the caller's handle).
     */
    default void recordGroupSize(int size) {
    }

    /** A pull that returned ({@code failure} null) or threw. */
    default void pulled(RuntimeException failure, long nanos) {
    }

    /** A push or rebuild gave up waiting for its tenant's lock. */
    default void lockTimedOut() {
    }

    /**
     * Where the number of live pulls waiting now comes from: the store gives its
     * {@link LivePulls#waiting()} when it is built.
     */
    default void liveWaiters(IntSupplier waiters) {
    }

    /** The store's heads cache, whose reads and size are reported: given when the store is built. */
    default void headsCache(HeadsCache cache) {
    }

    /** A replay of {@code mode} started. */
    default void replayStarted(ReplayMode mode) {
    }

    /** A running replay read {@code journalOps} more journal entries. */
    default void replayRead(ReplayMode mode, long journalOps) {
    }

    /**
     * A replay ended: with {@code report}, or failed ({@code report} null); {@code journalOps} is
     * what it read in all.
     */
    default void replayEnded(ReplayMode mode, ReplayReport report, long journalOps) {
    }

    /** A purge finished (a dry run removed nothing, and is not counted). */
    default void purged(PurgeReport report) {
    }

    /** The value of a call's {@code result} tag: what the call's failure was. */
    static String result(RuntimeException failure) {
        if (failure == null) {
            return "ok";
        }
        return failure instanceof InvalidInputException ? "invalid" : "failed";
    }
}
