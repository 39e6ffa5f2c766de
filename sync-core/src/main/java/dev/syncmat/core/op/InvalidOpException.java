package dev.syncmat.core.op;

import dev.syncmat.core.InvalidInputException;

/**
 * An op that breaks the rules of the wire format or a configured limit. The message names the op
 * (when its id is known), the field and the reason.
 */
public final class InvalidOpException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final String opId;

    /** An error about {@code field} of an op whose id is not known (yet). */
    public InvalidOpException(String field, String reason) {
        this(null, field, reason);
    }

    /** An error about {@code field} of the op {@code opId} (may be null). */
    public InvalidOpException(String opId, String field, String reason) {
        super(field, reason, opId == null ? reason : "op \"" + opId + "\": " + reason);
        this.opId = opId;
    }

    /** The same error, now naming the op it belongs to. */
    public InvalidOpException forOp(String id) {
        return opId != null || id == null ? this : new InvalidOpException(id, field(), reason());
    }

    /** Id of the offending op, or null when the op id itself was missing or invalid. */
    public String opId() {
        return opId;
    }

    @Override
    public String code() {
        return "invalid_op";
    }
}
