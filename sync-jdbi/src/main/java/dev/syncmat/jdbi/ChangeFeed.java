package dev.syncmat.jdbi;

/**
 * How a store hears that a push of some tenant committed, from this process or (on PostgreSQL)
 * any other: what wakes its {@link LivePulls}. One per store, started on the first live pull. The
 * dialect makes it ({@link Dialect#changeFeed}); {@link Dialect#announce} is the push's half.
 * Implementations are thread-safe.
 */
interface ChangeFeed {
    /** What a feed tells its store. Called from the feed's thread or a pushing thread; must not block. */
    interface Listener {
        /** A push of {@code tenant} committed (possibly several, told once). */
        void committed(String tenant);

        /** Commits may go unheard from now on, until {@link #restored()}. */
        void lost();

        /** Commits are heard again; those made while they were not may have been missed. */
        void restored();
    }

    /**
     * Starts telling {@code listener}; may return before the feed is {@link #live()}, in which case
     * it calls {@link Listener#restored()} once it is. Called once.
     */
    void start(Listener listener);

    /** Whether commits are heard right now. */
    boolean live();

    /** Stops the feed and gives back what it holds (its thread, its connection). Idempotent. */
    void close();
}
