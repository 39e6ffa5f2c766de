package dev.syncmat.core.protocol;

import java.util.List;

/**
 * What a replay found (verify) or fixed (rebuild).
 *
 * @param mode             verify or rebuild
 * @param policy           id of the merge policy replayed with
 * @param journalOps       journal entries read
 * @param objects          objects replayed (distinct object ids in the journal)
 * @param changed          objects whose stored state differs from the replayed one, or that have
 *                         a stored row but no journal entry; sorted in UTF-8 byte order
 * @param conflictsChanged objects whose stored conflict records differ from the replayed ones;
 *                         sorted in UTF-8 byte order
 * @param conflicts        conflict records the replay produced
 */
public record ReplayReport(ReplayMode mode, String policy, long journalOps, long objects, List<String> changed,
                           List<String> conflictsChanged, long conflicts) {
    /** Copies the lists. */
    public ReplayReport {
        changed = List.copyOf(changed);
        conflictsChanged = List.copyOf(conflictsChanged);
    }

    /** Whether stored state and journal agree. */
    public boolean consistent() {
        return changed.isEmpty() && conflictsChanged.isEmpty();
    }
}
