package dev.syncmat.core;

/**
 * Root of every exception the library throws on purpose. Unchecked, like JDBI's and Caffeine's.
 *
 * <p>Subclasses say what went wrong: {@link InvalidInputException} for bad client input (never
 * retryable, nothing was written); the storage adapter adds its own for database failures.
 *
 * <p>{@link #code()}, {@link #isRetryable()} and {@link #clientMessage()} are what a service tells a
 * remote client; {@link dev.syncmat.core.protocol.SyncProtocol#errorStatus(Throwable)} turns them
 * into an HTTP status.
 */
public class SyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public SyncException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A short machine-readable code for HTTP error bodies and CLI output: {@code internal} here;
     * subclasses refine it ({@code invalid_op}, {@code store_unavailable}, ...).
     */
    public String code() {
        return "internal";
    }

    /** Whether making the same call again later may succeed: false here; subclasses refine it. */
    public boolean isRetryable() {
        return false;
    }

    /**
     * What a remote client may be told. Here {@code internal error}, because the message of a
     * failure may name hosts, SQL or other internals that belong in the server's log only;
     * {@link InvalidInputException} answers with its message, which is written for the client.
     */
    public String clientMessage() {
        return "internal error";
    }
}
