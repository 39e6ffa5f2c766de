package dev.syncmat.core.merge;

import java.util.Objects;

/**
 * A record that two concurrent ops of one object met: the op that ranks higher under the merge
 * policy, the one that ranks lower, and why. Written when an incoming op becomes a head beside
 * other heads, one record per such pair.
 *
 * @param objectId   the object both ops change
 * @param winnerOpId the op that ranks higher
 * @param loserOpId  the op that ranks lower
 * @param reason     why the winner ranks higher
 */
public record Conflict(String objectId, String winnerOpId, String loserOpId, ConflictReason reason) {
    /** Checks that no component is null. */
    public Conflict {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(winnerOpId, "winnerOpId");
        Objects.requireNonNull(loserOpId, "loserOpId");
        Objects.requireNonNull(reason, "reason");
    }
}
