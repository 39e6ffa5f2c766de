package dev.syncmat.core;

/**
 * Input from a client or a file that the library refuses: a malformed op, a clock with a bad
 * counter, a value over a limit, a bad cursor. Nothing was written when this is thrown.
 *
 * <p>{@link #field()} names the offending field as it appears on the wire ({@code "clock"},
 * {@code "tags"}, {@code "sinceCursor"}...); {@link #reason()} is a lower-case sentence that names
 * the field and says what is wrong with it, echoing the bad value within reason:
 * {@code clock counter for actor "c1" must be >= 1, but was -3}. {@link #getMessage()} is the
 * reason, with context in front where a subclass has some (the op id, a line number).
 */
public class InvalidInputException extends SyncException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /** Creates an exception for {@code field}; the message is the reason. */
    public InvalidInputException(String field, String reason) {
        this(field, reason, reason);
    }

    /** Creates an exception for {@code field} with the given reason and a full message. */
    protected InvalidInputException(String field, String reason, String message) {
        super(message);
        this.field = field;
        this.reason = reason;
    }

    /** The wire name of the field that is wrong. */
    public String field() {
        return field;
    }

    /** What is wrong with the field: a lower-case sentence that names it. */
    public String reason() {
        return reason;
    }

    /** A short machine-readable code for HTTP error bodies and CLI output; subclasses refine it. */
    @Override
    public String code() {
        return "invalid_input";
    }

    /** The message: it is written for the client, and names the field and the bad value. */
    @Override
    public String clientMessage() {
        return getMessage();
    }
}
