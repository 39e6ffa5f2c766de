package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.ConflictReason;

import java.time.Instant;

/**
 * A stored conflict record: one per op that was merged beside other heads.
 *
 * @param journalSeq position in the journal of the op that caused it
 * @param objectId   the object
 * @param objectType the object's type right after that op
 * @param winnerOpId the op that ranks higher
 * @param loserOpId  the op that ranks lower
 * @param reason     why
 * @param createdAt  when the causing op was received
 * @param metHeads   how many other heads the causing op met (see {@link dev.syncmat.core.merge.Conflict})
 */
public record ConflictRecord(long journalSeq, String objectId, String objectType, String winnerOpId, String loserOpId,
                             ConflictReason reason, Instant createdAt, int metHeads) {
}
