package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Payload;

import java.util.List;
import java.util.Objects;

/**
 * What clients see of an object: the winner's type, tags, payload and clock, whether it is
 * deleted, the context clock, the winner's op id and the number of heads. This is the object's
 * wire form ({@code {"objectId":..,"objectType":..,"tags":[..],"payload":..,"deleted":..,
 * "clock":{..},"context":{..},"winnerOpId":..,"heads":N}}).
 *
 * <p>Clients build their next op's clock as {@code context} merged with their own clock, then
 * increment their own actor, so the next op dominates every head they were shown.
 *
 * @param objectId   the object's id
 * @param objectType the winner's type
 * @param tags       the winner's tags, sorted in UTF-8 byte order
 * @param payload    the winner's canonical payload; null when deleted
 * @param deleted    whether the winner is a delete (a tombstone)
 * @param clock      the winner's clock
 * @param context    the merge of all heads' clocks
 * @param winnerOpId the winner's op id
 * @param heads      number of heads (1 unless concurrent ops are unresolved)
 */
public record MaterializedObject(String objectId, String objectType, List<String> tags, Payload payload,
                                 boolean deleted, VectorClock clock, VectorClock context, String winnerOpId,
                                 int heads) {
    /** Checks the invariants between the components. */
    public MaterializedObject {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(objectType, "objectType");
        tags = List.copyOf(tags);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(winnerOpId, "winnerOpId");
        if (deleted == (payload != null)) {
            throw new IllegalArgumentException("a deleted object has no payload and a live one has one");
        }
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be >= 1, but was " + heads);
        }
    }

    /** The client's view of {@code state}. */
    public static MaterializedObject of(ObjectState state) {
        return new MaterializedObject(state.objectId(), state.objectType(), state.tags(), state.payload(),
                state.isTombstone(), state.clock(), state.context(), state.winnerOpId(), state.headCount());
    }
}
