package dev.syncmat.core.protocol;

import dev.syncmat.core.merge.ConflictReason;

/**
 * Number of conflict records with one reason for one object type.
 *
 * @param reason     the reason
 * @param objectType the object type
 * @param count      how many records
 */
public record ConflictCount(ConflictReason reason, String objectType, long count) {
}
