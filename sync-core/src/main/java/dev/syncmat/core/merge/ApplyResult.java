package dev.syncmat.core.merge;

import dev.syncmat.core.op.Op;

import java.util.List;

/**
 * What applying one op produced.
 *
 * @param op        the op that was applied
 * @param outcome   applied, merged, stale or duplicate
 * @param state     the object's state afterwards (the same instance as before unless it changed)
 * @param conflicts one record per head the op now stands beside; empty unless {@code merged}
 */
public record ApplyResult(Op op, Outcome outcome, ObjectState state, List<Conflict> conflicts) {
    /** Copies the conflict list. */
    public ApplyResult {
        conflicts = List.copyOf(conflicts);
    }
}
