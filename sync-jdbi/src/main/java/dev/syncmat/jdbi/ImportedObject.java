package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * One object as an existing system holds it today, to be {@linkplain SyncStore#importObjects
 * imported}: its id, type, tags and payload, or that it is deleted. Importing it journals one op
 * of the store's import actor ({@link Op#IMPORT_ACTOR}) whose op id {@link #opIdFor} derives from
 * the object id, so importing the same object again is a {@code duplicate}.
 *
 * <p>Immutable and thread-safe. The constructor checks what holds whatever the limits; the
 * store checks the limits when it imports.
 *
 * @param objectId   the object's id ({@code id} in an import file)
 * @param objectType the object's type ({@code type})
 * @param tags       its tags (a set; order and repeats do not matter)
 * @param payload    its payload, any JSON value; null exactly when {@code deleted}
 * @param deleted    whether the existing system holds it as deleted: it is imported as a tombstone
 */
public record ImportedObject(String objectId, String objectType, List<String> tags, Payload payload, boolean deleted) {
    /** Object ids up to this many code points appear in the op id as they are; longer ones hashed. */
    static final int READABLE_ID_LENGTH = 64;

    /**
     * Checks the fields.
     *
     * @throws InvalidInputException naming {@code id}, {@code type} or {@code payload} when one is
     *                               missing, or a payload is given for a deleted object
     */
    public ImportedObject {
        if (objectId == null || objectId.isEmpty()) {
            throw new InvalidInputException("id", "id must be a non-empty string");
        }
        if (objectType == null || objectType.isEmpty()) {
            throw new InvalidInputException("type", "type must be a non-empty string");
        }
        if (deleted && payload != null) {
            throw new InvalidInputException("payload", "payload must be absent or null when deleted is true");
        }
        if (!deleted && payload == null) {
            throw new InvalidInputException("payload", "payload is required unless deleted is true (use JSON null for an empty one)");
        }
        // Not List.copyOf: a null tag must reach the op's own check, which names the field.
        tags = tags == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    /** A live object. */
    public static ImportedObject of(String objectId, String objectType, List<String> tags, Payload payload) {
        return new ImportedObject(objectId, objectType, tags, payload, false);
    }

    /** A deleted object: imported as a tombstone with this type and tags. */
    public static ImportedObject deleted(String objectId, String objectType, List<String> tags) {
        return new ImportedObject(objectId, objectType, tags, null, true);
    }

    /**
     * The op id of the import op of {@code objectId}: {@code ~import:} and the id when it has at
     * most 64 code points, else {@code ~import#} and the unpadded base64url SHA-256 of its UTF-8
     * bytes. Depends on nothing but the id, so a re-run of an import finds its own ops.
     */
    public static String opIdFor(String objectId) {
        if (Limits.codePointLength(objectId) <= READABLE_ID_LENGTH) {
            return Op.IMPORT_ACTOR + ":" + objectId;
        }
        return Op.IMPORT_ACTOR + "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(objectId));
    }

    /** The clock of every import op: the import actor's first event, concurrent with every client's op. */
    static final VectorClock CLOCK = VectorClock.of(Op.IMPORT_ACTOR, 1);

    /**
     * The import op of this object, checked against {@code limits}.
     *
     * @throws InvalidInputException naming {@code id}, {@code type}, {@code tags} or {@code payload}
     */
    Op toOp(Limits limits) {
        try {
            return Op.builder().opId(opIdFor(objectId)).objectId(objectId).objectType(objectType)
                    .kind(deleted ? OpKind.DELETE : OpKind.UPDATE).clock(CLOCK).payload(payload).tags(tags).build()
                    .checkLimits(limits);
        } catch (InvalidOpException e) {
            String field = switch (e.field()) {
                case "objectId" -> "id";
                case "objectType" -> "type";
                default -> e.field();
            };
            throw new InvalidInputException(field, e.reason().replace("objectId", "id").replace("objectType", "type"));
        }
    }
}
