package dev.syncmat.core.merge;

import dev.syncmat.core.op.Op;

import java.util.List;

/**
 * What applying one op produced.
 *
 * @param op        the op that was applied
 * @param outcome   applied, merged, stale or duplicate
 * @param state     the object's state afterwards (the same instance as before unless it changed)
 * @param conflicts one record if {@code merged} (the op against the best-ranked head it now stands
 *                  beside, see {@link Conflict}), else empty
 */
public record ApplyResult(Op op, Outcome outcome, ObjectState state, List<Conflict> conflicts) {
    /** Copies the conflict list. */
    public ApplyResult {
        conflicts = List.copyOf(conflicts);
    }
}
