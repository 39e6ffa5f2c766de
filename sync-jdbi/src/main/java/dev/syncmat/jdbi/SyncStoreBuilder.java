package dev.syncmat.jdbi;

import dev.syncmat.core.Limits;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Builds a {@link SyncStore}; from {@link SyncStore#builder}. Defaults are listed on each setter. Not thread-safe. */
public final class SyncStoreBuilder {
    private final Jdbi jdbi;
    private Limits limits = Limits.defaults();
    private Clock clock = Clock.systemUTC();
    private MergePolicy policy = MergePolicy.deleteWins();
    private String schema;
    private SqlDialect dialect;
    private int defaultPullLimit = 500;
    private int maxPullLimit = 1000;
    private int maxPushOps = 1000;
    private int maxScopeEntries = 1000;
    private Duration lockWaitTimeout = Duration.ofSeconds(2);
    private Duration statementTimeout = Duration.ofSeconds(30);
    private long maxPageBytes = 4L * 1024 * 1024;
    private Duration slowPushThreshold = Duration.ofSeconds(1);
    private int aliasThreshold = dev.syncmat.core.clock.ContextAliases.DEFAULT_THRESHOLD;
    private int warnHeads = StoreOptions.DEFAULT_WARN_HEADS;
    private int maxHeads = StoreOptions.DEFAULT_MAX_HEADS;
    private Supplier<StoreMetrics> metrics = () -> StoreMetrics.NONE;
    private int maxGroupRequests = StoreOptions.DEFAULT_MAX_GROUP_REQUESTS;
    private Integer maxGroupOps;
    private Duration maxPullWait = StoreOptions.DEFAULT_MAX_PULL_WAIT;
    private int maxLiveWaiters = StoreOptions.DEFAULT_MAX_LIVE_WAITERS;
    private Duration livePollInterval = StoreOptions.DEFAULT_LIVE_POLL_INTERVAL;
    private long headsCacheChars = StoreOptions.DEFAULT_HEADS_CACHE_CHARS;
    private int headsCacheMinChars = HeadsCache.MIN_CHARS;

    SyncStoreBuilder(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Input limits; default {@link Limits#defaults()}. */
    public SyncStoreBuilder limits(Limits value) {
        this.limits = Objects.requireNonNull(value);
        return this;
    }

    /** Clock for receive times; default {@link Clock#systemUTC()}. */
    public SyncStoreBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value);
        return this;
    }

    /**
     * Merge policy; default {@link MergePolicy#deleteWins()}. Its {@link MergePolicy#id()} is
     * recorded for each tenant on its first push; a store with another policy is refused on that
     * tenant until a rebuild switches it ({@link ReplayOptions#withSwitchPolicy(boolean)}).
     *
     * @throws IllegalArgumentException when the policy's id is empty, longer than 200 characters,
     *                                  or holds U+0000 or an unpaired surrogate (it must be storable)
     */
    public SyncStoreBuilder mergePolicy(MergePolicy value) {
        Objects.requireNonNull(value, "mergePolicy");
        String id = value.id();
        if (id == null || id.isEmpty() || id.length() > 200 || Utf8Order.firstUnstorableChar(id) >= 0) {
            throw new IllegalArgumentException("mergePolicy id must be 1 to 200 characters without U+0000 or unpaired "
                    + "surrogates, but was " + (id == null ? "null" : "\"" + (id.length() > 200 ? id.substring(0, 32) + "..." : id) + "\""));
        }
        this.policy = value;
        return this;
    }

    /** Schema for the tables (a plain identifier); default: the connection's current schema. */
    public SyncStoreBuilder schema(String value) {
        this.schema = SchemaMigrator.checkSchema(value);
        return this;
    }

    /**
     * The database's dialect; default: detected from the database on first use (H2 by its product
     * name, Citus when the PostgreSQL database has the citus extension, else PostgreSQL).
     */
    public SyncStoreBuilder dialect(SqlDialect value) {
        this.dialect = Objects.requireNonNull(value);
        return this;
    }

    /** Page size of pulls that name none; default 500. */
    public SyncStoreBuilder defaultPullLimit(int value) {
        this.defaultPullLimit = value;
        return this;
    }

    /** Largest page size a pull may ask for; default 1,000. */
    public SyncStoreBuilder maxPullLimit(int value) {
        this.maxPullLimit = value;
        return this;
    }

    /** Most ops in one push; default 1,000. */
    public SyncStoreBuilder maxPushOps(int value) {
        this.maxPushOps = value;
        return this;
    }

    /** Most values in each list of a pull scope; default 1,000. */
    public SyncStoreBuilder maxScopeEntries(int value) {
        this.maxScopeEntries = value;
        return this;
    }

    /**
     * How long a push or a rebuild waits for its tenant's counter row (held by another push of the
     * tenant, or a rebuild) before it fails with a retryable {@link StoreException} whose
     * {@link StoreException#isLockTimeout()} is true; default 2 s. Pushes of other tenants never
     * wait for it.
     */
    public SyncStoreBuilder lockWaitTimeout(Duration value) {
        this.lockWaitTimeout = positive("lockWaitTimeout", value);
        return this;
    }

    /**
     * How long one statement of the store may run before the database cancels it (a retryable
     * {@link StoreException}); default 30 s; {@link Duration#ZERO} for no limit.
     */
    public SyncStoreBuilder statementTimeout(Duration value) {
        Objects.requireNonNull(value, "statementTimeout");
        if (value.isNegative()) {
            throw new IllegalArgumentException("statementTimeout must not be negative, but was " + value);
        }
        this.statementTimeout = value;
        return this;
    }

    /**
     * About how many stored bytes of objects (payload, clocks, tags and ids as stored) one pull page
     * holds at most; default 4 MiB. A page ends early, with {@code hasMore}, when the next object
     * would pass it; an object larger than the budget still comes alone in its page.
     */
    public SyncStoreBuilder maxPageBytes(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxPageBytes must be >= 1, but was " + value);
        }
        this.maxPageBytes = value;
        return this;
    }

    /**
     * A push that takes at least this long (lock wait included) is logged at WARN on the logger
     * {@code dev.syncmat.jdbi.SyncStore}, with its tenant, op count and duration; default 1 s.
     */
    public SyncStoreBuilder slowPushThreshold(Duration value) {
        this.slowPushThreshold = positive("slowPushThreshold", value);
        return this;
    }

    /**
     * The context alias threshold T: once more than T entries of an object's context lie above its
     * latest alias, the push that made it so records a new alias, so that the context served to
     * clients has at most T + 1 entries (docs/merge.md, "Context aliases"); default 64. Must be
     * below the clock actor limit, so that a client's next clock (served context plus its own
     * actor) stays within it.
     */
    public SyncStoreBuilder aliasThreshold(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("aliasThreshold must be >= 1, but was " + value);
        }
        this.aliasThreshold = value;
        return this;
    }

    /**
     * The bound on an object's heads (default 1,000): a push that would leave an object with more
     * writes, right after the op that did it, a resolution op of the store's own
     * ({@link dev.syncmat.core.op.Op#STORE_ACTOR}) that carries the policy's winner and supersedes
     * every head, so the object has one head again; the op is journaled like any other, so replay
     * and verify see it, and every op stays in the journal. At least 2.
     */
    public SyncStoreBuilder maxHeads(int value) {
        if (value < 2) {
            throw new IllegalArgumentException("maxHeads must be >= 2, but was " + value);
        }
        this.maxHeads = value;
        return this;
    }

    /** An object with more heads than this after a push is logged at WARN (default 25). At least 1. */
    public SyncStoreBuilder warnHeads(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("warnHeads must be >= 1, but was " + value);
        }
        this.warnHeads = value;
        return this;
    }

    /**
     * Where the store's meters go; default none. The store then times its pushes, pulls and lock
     * waits, counts ops by outcome, conflicts by reason, lock timeouts, replayed journal entries
     * and purged rows, under names that begin with {@code syncmat.} and without a tenant tag
     * (docs/operations.md, "Metrics", lists them). Micrometer ({@code io.micrometer:micrometer-core})
     * is an optional dependency: without a call to this method the store never loads a Micrometer
     * class. Each store built registers its meters; stores that share a registry add up their
     * counters and timers, and the first one's gauges are the ones read.
     */
    public SyncStoreBuilder meterRegistry(MeterRegistry registry) {
        this.metrics = MicrometerStoreMetrics.supplier(Objects.requireNonNull(registry, "meterRegistry"));
        return this;
    }

    /**
     * The cap on a live pull's {@code waitMs} (docs/protocol.md, "Live pulls"): a pull that asks to
     * wait longer waits this long; default 30 s. Keep it below the idle timeout of whatever sits
     * between the client and the store (the example service ignores its idle timeout while a pull waits).
     */
    public SyncStoreBuilder maxPullWait(Duration value) {
        this.maxPullWait = positive("maxPullWait", value);
        return this;
    }

    /**
     * Bounds of group commit: concurrent {@link SyncStore#push(String, java.util.List)} calls of one
     * tenant in this store wait in a queue while a push of the tenant is under way, and the next one
     * to run takes up to {@code maxRequests} of them, with up to {@code maxOps} ops in all (the first
     * is always taken, however many ops it has), into one transaction that commits once. Each keeps
     * its own result (docs/architecture.md, "Group commit"). Defaults 64 and {@link #maxPushOps}
     * (1,000), so that a group holds the tenant's lock about as long as the largest push; {@code
     * maxRequests} 1 turns group commit off (every push has its own transaction, as before). Pushes
     * on the caller's handle never join a group.
     */
    public SyncStoreBuilder groupCommit(int maxRequests, int maxOps) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("groupCommit maxRequests must be >= 1, but was " + maxRequests);
        }
        if (maxOps < 1) {
            throw new IllegalArgumentException("groupCommit maxOps must be >= 1, but was " + maxOps);
        }
        this.maxGroupRequests = maxRequests;
        this.maxGroupOps = maxOps;
        return this;
    }

    /**
     * Most live pulls waiting at once in this store, those reading their first page included;
     * default 10,000. One more fails at once with a retryable {@link TooManyWaitersException}
     * (nothing waits, nothing is read).
     */
    public SyncStoreBuilder maxLiveWaiters(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxLiveWaiters must be >= 1, but was " + value);
        }
        this.maxLiveWaiters = value;
        return this;
    }

    /**
     * While the store cannot hear of commits (on PostgreSQL: its {@code LISTEN} connection is lost
     * and not yet back, or not yet open), every waiting pull is run again this often, so that it
     * still sees a change before its deadline; default 1 s.
     */
    public SyncStoreBuilder livePollInterval(Duration value) {
        this.livePollInterval = positive("livePollInterval", value);
        return this;
    }

    /**
     * Most characters of stored heads and context aliases the store keeps parsed in memory, so that
     * a push beside an object's many heads, or into an object with many actors, reads and parses
     * them again only when they changed; default 2 Mi characters (the parsed form takes about 9
     * bytes of heap per character: about 20 MB). Only objects whose stored heads are at least 4 KiB of text (about 100 heads)
     * or that have aliases are kept; past the bound, Caffeine drops those least likely to be used
     * again (by recency and frequency). An entry is used only while the database holds exactly the
     * text it was read from (compared by SHA-256 in the same query), so writes by other processes,
     * rebuilds, restores and hand edits need no invalidation. 0 turns it off: every push reads and
     * parses the objects it merges into.
     */
    public SyncStoreBuilder headsCacheChars(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("headsCacheChars must be >= 0, but was " + value);
        }
        this.headsCacheChars = value;
        return this;
    }

    /** The shortest stored heads text the heads cache keeps; package-private, so that tests keep every object. */
    SyncStoreBuilder headsCacheMinChars(int value) {
        this.headsCacheMinChars = value;
        return this;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, but was " + value);
        }
        return value;
    }

    /** Builds the store. Does not connect to the database. */
    public SyncStore build() {
        if (maxPullLimit < 1 || defaultPullLimit < 1 || defaultPullLimit > maxPullLimit) {
            throw new IllegalArgumentException("need 1 <= defaultPullLimit <= maxPullLimit, but had "
                    + defaultPullLimit + " and " + maxPullLimit);
        }
        if (maxPushOps < 1 || maxScopeEntries < 1) {
            throw new IllegalArgumentException("maxPushOps and maxScopeEntries must be >= 1");
        }
        if (aliasThreshold + 2 > limits.maxClockActors()) {
            throw new IllegalArgumentException("aliasThreshold + 2 must be at most maxClockActors (" + limits.maxClockActors()
                    + "), but aliasThreshold was " + aliasThreshold);
        }
        return new SyncStore(jdbi, new StoreOptions(limits, clock, MergeEngine.of(policy), schema, dialect,
                defaultPullLimit, maxPullLimit, maxPushOps, maxScopeEntries, lockWaitTimeout, statementTimeout, maxPageBytes,
                slowPushThreshold, aliasThreshold, warnHeads, maxHeads, maxGroupRequests,
                maxGroupOps == null ? maxPushOps : maxGroupOps, maxPullWait, maxLiveWaiters, livePollInterval, headsCacheChars),
                metrics.get(), headsCacheMinChars);
    }
}
