package dev.syncmat.core.json;

import dev.syncmat.core.op.Op;

/**
 * An op read from the JSON-lines exchange format, with the optional {@code tenantId} it carried.
 *
 * @param tenantId the tenant named on the line, or null when the line named none
 * @param op       the op
 */
public record OpLine(String tenantId, Op op) {
}
