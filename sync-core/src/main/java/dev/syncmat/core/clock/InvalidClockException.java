package dev.syncmat.core.clock;

import dev.syncmat.core.InvalidInputException;

/** A vector clock value that breaks the rules: an empty actor id or a counter below 1. */
public final class InvalidClockException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the field is always {@code clock}. */
    public InvalidClockException(String reason) {
        super("clock", reason);
    }

    @Override
    public String code() {
        return "invalid_clock";
    }
}
