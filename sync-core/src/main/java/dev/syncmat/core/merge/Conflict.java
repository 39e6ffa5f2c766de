package dev.syncmat.core.merge;

import java.util.Objects;

/**
 * A record that an incoming op became a head beside other heads of its object: the op and the
 * best-ranked of those other heads (the winner among them), which of the two ranks higher under
 * the merge policy and why, and how many other heads the op met. One record per merged op, not one
 * per pair of heads, so a push of n mutually concurrent ops writes n - 1 records, not n(n-1)/2.
 *
 * <p>Records are per arrival: they describe the heads an op met when it was applied, so the same
 * ops applied in another order can give other records (the heads and the winner are the same).
 * A store recomputes them in journal order, which is the order it applied them in.
 *
 * @param objectId   the object both ops change
 * @param winnerOpId the one of the two that ranks higher
 * @param loserOpId  the one of the two that ranks lower
 * @param reason     why the winner ranks higher
 * @param metHeads   how many other heads the incoming op now stands beside; at least 1
 */
public record Conflict(String objectId, String winnerOpId, String loserOpId, ConflictReason reason, int metHeads) {
    /** Checks that no component is null and that the op met at least one head. */
    public Conflict {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(winnerOpId, "winnerOpId");
        Objects.requireNonNull(loserOpId, "loserOpId");
        Objects.requireNonNull(reason, "reason");
        if (metHeads < 1) {
            throw new IllegalArgumentException("metHeads must be >= 1, but was " + metHeads);
        }
    }
}
