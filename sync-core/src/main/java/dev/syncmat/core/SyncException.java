package dev.syncmat.core;

/**
 * Root of every exception the library throws on purpose. Unchecked, like JDBI's and Caffeine's.
 *
 * <p>Subclasses say what went wrong: {@link InvalidInputException} for bad client input (never
 * retryable, nothing was written); the storage adapter adds its own for database failures.
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
}
