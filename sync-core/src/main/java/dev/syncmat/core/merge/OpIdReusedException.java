package dev.syncmat.core.merge;

import dev.syncmat.core.InvalidInputException;

/**
 * An op id that was already used for an op with other content. Retrying an op must send exactly
 * the same op; a client that reuses ids for new ops would otherwise lose them silently.
 */
public final class OpIdReusedException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final String opId;

    /** Creates the exception for {@code opId}. */
    public OpIdReusedException(String opId) {
        super("opId", "opId \"" + opId + "\" was already used for an op with other content");
        this.opId = opId;
    }

    /** The reused op id. */
    public String opId() {
        return opId;
    }

    @Override
    public String code() {
        return "op_id_reused";
    }
}
