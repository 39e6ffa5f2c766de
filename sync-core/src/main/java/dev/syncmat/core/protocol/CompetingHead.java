package dev.syncmat.core.protocol;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

import java.util.Objects;

/**
 * A head of an object that is not its winner: an edit concurrent with the winner that the policy
 * ranked lower. A client can show it beside the winner and let a person resolve the conflict with
 * an op whose clock dominates the object's context. Wire form:
 * {@code {"opId":..,"deleted":..,"payload":..,"clock":{..}}} (payload null for a delete).
 *
 * @param opId    the head's op id
 * @param deleted whether it is a delete
 * @param payload its canonical payload; null for a delete
 * @param clock   its clock
 */
public record CompetingHead(String opId, boolean deleted, Payload payload, VectorClock clock) {
    /** Checks the components. */
    public CompetingHead {
        Objects.requireNonNull(opId, "opId");
        Objects.requireNonNull(clock, "clock");
        if (deleted == (payload != null)) {
            throw new IllegalArgumentException("a deleted head has no payload and a live one has one");
        }
    }

    /** The competing head that {@code op} is. */
    public static CompetingHead of(Op op) {
        return new CompetingHead(op.opId(), op.isDelete(), op.payload(), op.clock());
    }
}
