package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.Outcome;

/**
 * What a push did with one op.
 *
 * @param opId    the op's id
 * @param outcome applied, merged, stale or duplicate
 */
public record OpResult(String opId, Outcome outcome) {
}
