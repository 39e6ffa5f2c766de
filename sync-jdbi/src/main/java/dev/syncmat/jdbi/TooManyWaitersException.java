package dev.syncmat.jdbi;

/**
 * A live pull was refused because the store already has its bound of waiting pulls
 * ({@link StoreOptions#maxLiveWaiters()}). Nothing was read; retryable (an HTTP service answers
 * 503 with {@code Retry-After}).
 */
public final class TooManyWaitersException extends StoreException {
    private static final long serialVersionUID = 1L;

    TooManyWaitersException(int max) {
        super("too many live pulls are waiting (the store's bound is " + max + "), retry later", null, true, null);
    }
}
