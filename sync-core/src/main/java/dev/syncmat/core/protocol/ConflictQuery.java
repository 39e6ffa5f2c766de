package dev.syncmat.core.protocol;

import java.time.Instant;

/**
 * Which conflict records to list. Every field is optional.
 *
 * @param objectId only this object's records
 * @param from     only records created at or after this instant
 * @param to       only records created before this instant
 */
public record ConflictQuery(String objectId, Instant from, Instant to) {
    /** Every record of the tenant. */
    public static ConflictQuery all() {
        return new ConflictQuery(null, null, null);
    }

    /** The records of one object. */
    public static ConflictQuery object(String objectId) {
        return new ConflictQuery(objectId, null, null);
    }

    /** The records created in [from, to). */
    public static ConflictQuery between(Instant from, Instant to) {
        return new ConflictQuery(null, from, to);
    }
}
