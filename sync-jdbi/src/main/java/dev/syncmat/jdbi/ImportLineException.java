package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;

/**
 * A line of an import file that cannot be imported: malformed JSON, a missing or ill-typed field,
 * a value over the limits, or an object imported before with other content. The message reads
 * {@code line 7, field "payload": <reason>}.
 */
public final class ImportLineException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final long line;

    /** An error of line {@code line} (1-based), about {@code field}. */
    public ImportLineException(long line, String field, String reason) {
        super(field, reason, "line " + line + ", field \"" + field + "\": " + reason);
        this.line = line;
    }

    /** The 1-based number of the line. */
    public long line() {
        return line;
    }
}
