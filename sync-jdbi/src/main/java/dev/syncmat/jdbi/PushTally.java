package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ConflictReason;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one push did besides its outcomes, for {@link StoreMetrics}: the conflict records it wrote
 * by reason, and how long it waited for its tenant's lock. Filled by {@link PushWork} and read
 * once the push has returned; a push that rolls back to its savepoint and runs again starts the
 * tally afresh, so only what was written is counted. Used by one thread.
 */
final class PushTally {
    private final Map<String, Integer> conflicts = new TreeMap<>();
    private long lockWaitNanos = -1;

    /** Forgets the conflicts of an attempt that was rolled back. */
    void restart() {
        conflicts.clear();
    }

    void conflict(ConflictReason reason) {
        conflicts.merge(reason.code(), 1, Integer::sum);
    }

    void lockWaited(long nanos) {
        lockWaitNanos = nanos;
    }

    /** Conflict records written, by reason code, in code order. */
    Map<String, Integer> conflicts() {
        return conflicts;
    }

    /** How long the push waited for its tenant's lock, or -1 if it never asked for it. */
    long lockWaitNanos() {
        return lockWaitNanos;
    }
}
