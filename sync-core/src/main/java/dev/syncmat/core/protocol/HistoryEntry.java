package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;

import java.time.Instant;
import java.util.List;

/**
 * One journal entry of an object with what it did, recomputed from the journal with the store's
 * merge policy.
 *
 * @param journalSeq position in the tenant's journal
 * @param op         the op as journaled
 * @param receivedAt when the store received it
 * @param outcome    applied, merged or stale (re-sent ops are not journaled, so never duplicate)
 * @param conflicts  the conflict records it caused
 */
public record HistoryEntry(long journalSeq, Op op, Instant receivedAt, Outcome outcome, List<Conflict> conflicts) {
    /** Copies the list. */
    public HistoryEntry {
        conflicts = List.copyOf(conflicts);
    }
}
