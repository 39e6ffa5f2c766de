package dev.syncmat.jdbi;

import dev.syncmat.core.Limits;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.merge.MergeEngine;

import java.time.Clock;
import java.time.Duration;

/**
 * A store's configuration, built by {@link SyncStoreBuilder}, where each value's default is
 * documented. Immutable.
 *
 * @param limits           input size limits
 * @param clock            where receive times come from (never used by the merge)
 * @param engine           the merge engine, with its policy
 * @param schema           schema that holds the tables, or null for the connection's default
 * @param dialect          the database's dialect, or null to detect it on first use
 * @param defaultPullLimit page size of a pull that names none
 * @param maxPullLimit     largest page size a pull may ask for
 * @param maxPushOps       most ops in one push
 * @param maxScopeEntries  most values in each list of a pull scope
 * @param lockWaitTimeout  how long a push or rebuild waits for its tenant's counter row before it
 *                         fails with a retryable {@link StoreException}
 * @param statementTimeout how long one statement of the store may run ({@link Duration#ZERO}: no limit)
 * @param maxPageBytes     about how many stored bytes of objects one pull page holds at most (an
 *                         object larger than this comes alone in its page)
 * @param slowPushThreshold a push that takes at least this long is logged at WARN
 * @param aliasThreshold   most context entries above an object's latest alias before a push
 *                         records a new one; served contexts have at most this many plus one
 * @param warnHeads        an object with more heads than this after a push is logged at WARN
 * @param maxHeads         most heads an object keeps: the push that would leave more writes a
 *                         resolution op of the store's own that supersedes them all
 * @param maxGroupRequests most concurrent pushes of one tenant that group commit runs in one
 *                         transaction (1: no group commit, every push has a transaction of its own)
 * @param maxGroupOps      most ops in one group-commit transaction (a push with more runs alone)
 * @param maxPullWait      the cap on a live pull's {@code waitMs}: a longer wait is cut to this
 * @param maxLiveWaiters   most live pulls waiting (or reading their first page) at once in this
 *                         store; one more fails with a retryable {@link TooManyWaitersException}
 * @param livePollInterval while the store cannot hear of commits (its PostgreSQL {@code LISTEN}
 *                         connection is down), how often each waiting pull is run again
 * @param headsCacheChars  most characters of stored heads and aliases the store keeps parsed in
 *                         memory for the next push beside them ({@code 0}: none); see
 *                         {@link SyncStoreBuilder#headsCacheChars}
 */
public record StoreOptions(Limits limits, Clock clock, MergeEngine engine, String schema, SqlDialect dialect,
                           int defaultPullLimit, int maxPullLimit, int maxPushOps, int maxScopeEntries,
                           Duration lockWaitTimeout, Duration statementTimeout, long maxPageBytes,
                           Duration slowPushThreshold, int aliasThreshold, int warnHeads, int maxHeads,
                           int maxGroupRequests, int maxGroupOps,
                           Duration maxPullWait, int maxLiveWaiters, Duration livePollInterval, long headsCacheChars) {
    /** The default bound on the heads cache: 2 Mi characters of stored text (about 20 MB of heap). */
    public static final long DEFAULT_HEADS_CACHE_CHARS = 2L * 1024 * 1024;

    /** The default bound on the pushes in one group-commit transaction. */
    public static final int DEFAULT_MAX_GROUP_REQUESTS = 64;
    /** The default bound on an object's heads. */
    public static final int DEFAULT_MAX_HEADS = 1000;
    /** The default head count past which a push warns. */
    public static final int DEFAULT_WARN_HEADS = 25;
    /** The default cap on a live pull's wait: 30 s. */
    public static final Duration DEFAULT_MAX_PULL_WAIT = Duration.ofSeconds(30);
    /** The default bound on live pulls waiting at once in one store: 10,000. */
    public static final int DEFAULT_MAX_LIVE_WAITERS = 10_000;
    /** The default interval at which waiting pulls are run again while commits cannot be heard: 1 s. */
    public static final Duration DEFAULT_LIVE_POLL_INTERVAL = Duration.ofSeconds(1);

    /** Options with the default heads cache, as before it existed. */
    public StoreOptions(Limits limits, Clock clock, MergeEngine engine, String schema, SqlDialect dialect,
                        int defaultPullLimit, int maxPullLimit, int maxPushOps, int maxScopeEntries,
                        Duration lockWaitTimeout, Duration statementTimeout, long maxPageBytes,
                        Duration slowPushThreshold, int aliasThreshold, int warnHeads, int maxHeads,
                        int maxGroupRequests, int maxGroupOps,
                        Duration maxPullWait, int maxLiveWaiters, Duration livePollInterval) {
        this(limits, clock, engine, schema, dialect, defaultPullLimit, maxPullLimit, maxPushOps, maxScopeEntries,
                lockWaitTimeout, statementTimeout, maxPageBytes, slowPushThreshold, aliasThreshold, warnHeads, maxHeads,
                maxGroupRequests, maxGroupOps, maxPullWait, maxLiveWaiters, livePollInterval, DEFAULT_HEADS_CACHE_CHARS);
    }

    /**
     * Options with the default group-commit bounds (64 pushes, {@code maxPushOps} ops) and the
     * default live-pull settings, as before either existed.
     */
    public StoreOptions(Limits limits, Clock clock, MergeEngine engine, String schema, SqlDialect dialect,
                        int defaultPullLimit, int maxPullLimit, int maxPushOps, int maxScopeEntries,
                        Duration lockWaitTimeout, Duration statementTimeout, long maxPageBytes,
                        Duration slowPushThreshold, int aliasThreshold, int warnHeads, int maxHeads) {
        this(limits, clock, engine, schema, dialect, defaultPullLimit, maxPullLimit, maxPushOps, maxScopeEntries,
                lockWaitTimeout, statementTimeout, maxPageBytes, slowPushThreshold, aliasThreshold, warnHeads, maxHeads,
                DEFAULT_MAX_GROUP_REQUESTS, maxPushOps,
                DEFAULT_MAX_PULL_WAIT, DEFAULT_MAX_LIVE_WAITERS, DEFAULT_LIVE_POLL_INTERVAL);
    }

    /** Options with the default alias threshold, as before aliases existed, and the default heads bounds. */
    public StoreOptions(Limits limits, Clock clock, MergeEngine engine, String schema, SqlDialect dialect,
                        int defaultPullLimit, int maxPullLimit, int maxPushOps, int maxScopeEntries,
                        Duration lockWaitTimeout, Duration statementTimeout, long maxPageBytes,
                        Duration slowPushThreshold) {
        this(limits, clock, engine, schema, dialect, defaultPullLimit, maxPullLimit, maxPushOps, maxScopeEntries,
                lockWaitTimeout, statementTimeout, maxPageBytes, slowPushThreshold, ContextAliases.DEFAULT_THRESHOLD,
                DEFAULT_WARN_HEADS, DEFAULT_MAX_HEADS);
    }
}
