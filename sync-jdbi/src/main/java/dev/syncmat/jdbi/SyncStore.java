package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.SyncException;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The sync store: an immutable journal of ops, the materialized objects and the conflict records,
 * in PostgreSQL or H2 through the application's {@link Jdbi}.
 *
 * <pre>{@code
 * SyncStore store = SyncStore.builder(jdbi).build();
 * store.migrate();                                    // creates the tables once
 * PushResult pushed = store.push("tenant-1", ops);    // one transaction, all or nothing
 * PullResponse page = store.pull("tenant-1", PullRequest.since(cursor));
 * }</pre>
 *
 * <p>Every statement is scoped to one tenant. Pushes of one tenant are serialized by a lock on
 * the tenant's counter row; pushes of different tenants run in parallel; pulls take no locks.
 *
 * <p>Errors: bad input is an {@link InvalidInputException} (nothing written); a database failure
 * is a {@link StoreException} whose {@link StoreException#isRetryable()} says whether calling
 * again may help. Thread-safe; create one per database and share it.
 */
public final class SyncStore {
    private static final String SAVEPOINT = "syncmat_push";

    private final Jdbi jdbi;
    private final Options options;
    private volatile Sql sql;

    private SyncStore(Jdbi jdbi, Options options) {
        this.jdbi = jdbi;
        this.options = options;
    }

    /** A store with default options. */
    public static SyncStore create(Jdbi jdbi) {
        return builder(jdbi).build();
    }

    /** A builder for a store on {@code jdbi}. */
    public static Builder builder(Jdbi jdbi) {
        return new Builder(jdbi);
    }

    /** The options this store was built with. */
    public Options options() {
        return options;
    }

    /**
     * Creates or upgrades the store's tables (in the configured schema, created if missing). Safe to
     * call from several processes at once and on every start; does nothing when up to date.
     *
     * @return the migration versions applied by this call
     */
    public List<Integer> migrate() {
        try {
            return SchemaMigrator.migrate(jdbi, options.schema(), options.clock());
        } catch (JdbiException e) {
            throw StoreException.wrap("migrating the schema", e);
        }
    }

    /**
     * The schema version installed in the database: 0 when the tables were never created, and
     * {@link #latestSchemaVersion()} when {@link #migrate()} has nothing left to do. For health
     * checks and for tools that must not create tables.
     */
    public int schemaVersion() {
        return withHandle("reading the schema version", h -> SchemaMigrator.installedVersion(h, sql(h)));
    }

    /** The newest schema version this library ships. */
    public static int latestSchemaVersion() {
        return SchemaMigrator.latestVersion();
    }

    /**
     * Pushes a batch of ops for one tenant in one transaction: every op is journaled and merged, or
     * (on any error) nothing is written. Re-sent ops are {@code duplicate}s.
     *
     * @throws InvalidInputException on a bad tenant id, an op over the limits, too many ops, or an
     *                               op id reused with other content (nothing written)
     * @throws StoreException        when the database fails (nothing written, unless the connection
     *                               was lost during the commit: then the batch may be stored; retry)
     */
    public PushResult push(String tenantId, List<Op> ops) {
        checkPush(tenantId, ops);
        return inTransaction("pushing ops for tenant \"" + tenantId + "\"",
                h -> PushWork.push(h, sql(h), options.engine(), tenantId, ops, Rows.utc(options.clock().instant())));
    }

    /**
     * Pushes inside the caller's open transaction on {@code handle} (or in a new one when none is
     * open), so that the service's own writes and the push commit or roll back together. The push
     * holds the tenant's counter row lock until that transaction ends; keep it short. On an
     * {@link InvalidInputException} the push has taken back what it did (the caller's transaction
     * stays usable); on a {@link StoreException} the caller must roll back.
     */
    public PushResult push(Handle handle, String tenantId, List<Op> ops) {
        checkPush(tenantId, ops);
        HandleCallback<PushResult, RuntimeException> work =
                h -> PushWork.push(h, sql(h), options.engine(), tenantId, ops, Rows.utc(options.clock().instant()));
        try {
            return handle.isInTransaction() ? inSavepoint(handle, work) : handle.inTransaction(work);
        } catch (SyncException e) {
            throw e;
        } catch (JdbiException e) {
            throw StoreException.wrap("pushing ops for tenant \"" + tenantId + "\"", e);
        }
    }

    /**
     * One page of objects changed after the request's cursor, in change order.
     *
     * @throws InvalidCursorException for a malformed cursor, one of another tenant or one ahead of
     *                                the tenant's head
     * @throws InvalidInputException  for a bad tenant id, limit or scope
     */
    public PullResponse pull(String tenantId, PullRequest request) {
        checkTenant(tenantId);
        Objects.requireNonNull(request, "request");
        int limit = request.limit() == null ? options.defaultPullLimit() : request.limit();
        if (limit < 1 || limit > options.maxPullLimit()) {
            throw new InvalidInputException("limit", "limit must be between 1 and " + options.maxPullLimit() + ", but was " + limit);
        }
        checkScope("scope.types", request.scope().types());
        checkScope("scope.ids", request.scope().ids());
        checkScope("scope.tags", request.scope().tags());
        long since = Cursors.decode(request.sinceCursor(), tenantId);
        return withHandle("pulling for tenant \"" + tenantId + "\"",
                h -> h.inTransaction(sql(h).dialect().snapshotIsolation(),
                        t -> PullWork.pull(t, sql(t), tenantId, since, request.scope(), limit)));
    }

    /**
     * The current state of one object, if it has any op.
     *
     * @throws InvalidInputException for a bad tenant id, or an object id holding U+0000 or an
     *                               unpaired surrogate (no op can have it)
     */
    public Optional<MaterializedObject> find(String tenantId, String objectId) {
        checkTenant(tenantId);
        checkObjectId(objectId);
        return withHandle("reading object \"" + objectId + "\"", h -> sql(h).query(h, "object_by_id")
                .bind("tenant", tenantId).bind("objectId", objectId).map((rs, ctx) -> Rows.materialized(rs)).findOne());
    }

    /**
     * The current state of one object.
     *
     * @throws NoSuchElementException if the object has no op
     */
    public MaterializedObject get(String tenantId, String objectId) {
        return find(tenantId, objectId).orElseThrow(() -> new NoSuchElementException(
                "no object \"" + objectId + "\" for tenant \"" + tenantId + "\""));
    }

    /**
     * Replays one tenant's journal: recomputes every object and its conflict records from the
     * journal, in journal order per object, and compares them with what is stored ({@code verify})
     * or writes the differences ({@code rebuild}). The journal is never modified; other tenants are
     * not touched.
     *
     * <p>A rebuild runs in one transaction under the tenant's lock: pushes of the tenant wait, and
     * a failure leaves everything as it was. Changed objects get new change sequence numbers above
     * every existing one, unchanged objects keep theirs, so a client's next pull with its old cursor
     * returns exactly the corrections. Rows of objects that have no journal entry are deleted
     * (clients are not told). Verify runs in one transaction that reads a single snapshot
     * (repeatable read on PostgreSQL, serializable on H2) and writes nothing.
     * Memory stays at about one page of journal entries plus the ids of differing objects.
     */
    public ReplayReport replay(String tenantId, ReplayOptions replayOptions) {
        checkTenant(tenantId);
        MergeEngine engine = replayOptions.policy() == null ? options.engine() : MergeEngine.of(replayOptions.policy());
        try {
            // Verify compares the journal with the objects and conflicts: all read from one snapshot.
            return jdbi.withHandle(h -> h.inTransaction(replayOptions.mode() == ReplayMode.VERIFY
                            ? sql(h).dialect().snapshotIsolation()
                            : TransactionIsolationLevel.READ_COMMITTED,
                    t -> new ReplayWork(t, sql(t), engine, tenantId, replayOptions, Rows.utc(options.clock().instant())).run()));
        } catch (SyncException e) {
            throw e;
        } catch (JdbiException e) {
            throw StoreException.wrap("replaying tenant \"" + tenantId + "\"", e);
        }
    }

    /**
     * The journal entries of one object, in journal order, with the outcome each had and the
     * conflicts it caused (recomputed from the journal with the store's merge policy). Empty for an
     * unknown object. Costs one pass over the object's entries.
     *
     * @throws InvalidInputException as {@link #find} does
     */
    public List<HistoryEntry> history(String tenantId, String objectId) {
        List<HistoryEntry> entries = new ArrayList<>();
        history(tenantId, objectId, entries::add);
        return entries;
    }

    /** Streams the history of one object to {@code sink}, in journal order, in constant memory. */
    public void history(String tenantId, String objectId, Consumer<HistoryEntry> sink) {
        checkTenant(tenantId);
        checkObjectId(objectId);
        inTransaction("reading the history of \"" + objectId + "\"", h -> {
            ObjectState[] state = new ObjectState[1];
            sql(h).query(h, "history").bind("tenant", tenantId).bind("objectId", objectId).setFetchSize(500)
                    .map((rs, ctx) -> Rows.journalEntry(rs))
                    .forEach(e -> {
                        ApplyResult r = options.engine().apply(state[0], e.op());
                        state[0] = r.state();
                        sink.accept(new HistoryEntry(e.journalSeq(), e.op(), e.receivedAt(), r.outcome(), r.conflicts()));
                    });
            return null;
        });
    }

    /**
     * Conflict records matching {@code query}, in journal order (records of one op ordered by
     * winner then loser op id, UTF-8).
     *
     * @throws InvalidInputException as {@link #find} does, for the query's object id
     */
    public List<ConflictRecord> conflicts(String tenantId, ConflictQuery query) {
        List<ConflictRecord> records = new ArrayList<>();
        conflicts(tenantId, query, records::add);
        return records;
    }

    /** Streams conflict records matching {@code query} to {@code sink}, in constant memory. */
    public void conflicts(String tenantId, ConflictQuery query, Consumer<ConflictRecord> sink) {
        checkTenant(tenantId);
        Objects.requireNonNull(query, "query");
        if (query.objectId() != null) {
            checkObjectId(query.objectId());
        }
        inTransaction("reading conflicts of tenant \"" + tenantId + "\"", h -> {
            Sql q = sql(h);
            StringBuilder filters = new StringBuilder();
            if (query.objectId() != null) {
                filters.append(q.text("conflicts_filter_object"));
            }
            if (query.from() != null) {
                filters.append(q.text("conflicts_filter_from"));
            }
            if (query.to() != null) {
                filters.append(q.text("conflicts_filter_to"));
            }
            Query select = q.queryText(h,
                    q.text("conflicts_query").replace("/*filters*/", filters.toString().strip())).bind("tenant", tenantId);
            if (query.objectId() != null) {
                select.bind("objectId", query.objectId());
            }
            if (query.from() != null) {
                select.bind("from", Rows.utc(query.from()));
            }
            if (query.to() != null) {
                select.bind("to", Rows.utc(query.to()));
            }
            List<ConflictRecord> group = new ArrayList<>();
            select.setFetchSize(500).map((rs, ctx) -> Rows.conflict(rs)).forEach(c -> {
                if (!group.isEmpty() && group.get(0).journalSeq() != c.journalSeq()) {
                    flushGroup(group, sink);
                }
                group.add(c);
            });
            flushGroup(group, sink);
            return null;
        });
    }

    private static void flushGroup(List<ConflictRecord> group, Consumer<ConflictRecord> sink) {
        group.sort(Comparator.comparing(ConflictRecord::winnerOpId, Utf8Order.COMPARATOR)
                .thenComparing(ConflictRecord::loserOpId, Utf8Order.COMPARATOR));
        group.forEach(sink);
        group.clear();
    }

    /** Number of conflict records by reason and object type, sorted by reason then type (UTF-8). */
    public List<ConflictCount> conflictCounts(String tenantId) {
        checkTenant(tenantId);
        List<ConflictCount> counts = new ArrayList<>(withHandle("counting conflicts of tenant \"" + tenantId + "\"",
                h -> sql(h).query(h, "conflicts_stats").bind("tenant", tenantId)
                        .map((rs, ctx) -> new ConflictCount(ConflictReason.valueOf(rs.getString("reason")),
                                rs.getString("object_type"), rs.getLong("n")))
                        .list()));
        counts.sort(Comparator.comparing((ConflictCount c) -> c.reason().name(), Utf8Order.COMPARATOR)
                .thenComparing(ConflictCount::objectType, Utf8Order.COMPARATOR));
        return counts;
    }

    /** The cursor of the tenant's latest change (the start for a tenant with none). */
    public String headCursor(String tenantId) {
        checkTenant(tenantId);
        return withHandle("reading the head of tenant \"" + tenantId + "\"",
                h -> Cursors.encode(tenantId, Tenants.head(h, sql(h), tenantId)[1]));
    }

    private void checkPush(String tenantId, List<Op> ops) {
        checkTenant(tenantId);
        Objects.requireNonNull(ops, "ops");
        if (ops.size() > options.maxPushOps()) {
            throw new InvalidInputException("ops", "a push may carry at most " + options.maxPushOps() + " ops, but had " + ops.size());
        }
        for (Op op : ops) {
            Objects.requireNonNull(op, "ops must not contain null");
            op.checkLimits(options.limits());
        }
    }

    private void checkTenant(String tenantId) {
        if (tenantId == null || tenantId.isEmpty()) {
            throw new InvalidInputException("tenantId", "tenantId must not be empty");
        }
        if (Utf8Order.firstUnstorableChar(tenantId) >= 0) {
            throw new InvalidInputException("tenantId", "tenantId contains U+0000 or an unpaired surrogate");
        }
        int len = Limits.codePointLength(tenantId);
        if (len > options.limits().maxIdLength()) {
            throw new InvalidInputException("tenantId", "tenantId must be at most " + options.limits().maxIdLength()
                    + " characters, but had " + len);
        }
    }

    /**
     * An object id to look up must be storable: pushes refuse U+0000 and unpaired surrogates, and
     * PostgreSQL fails on U+0000 in a query rather than finding nothing.
     */
    private static void checkObjectId(String objectId) {
        Objects.requireNonNull(objectId, "objectId");
        if (Utf8Order.firstUnstorableChar(objectId) >= 0) {
            throw new InvalidInputException("objectId", "objectId contains U+0000 or an unpaired surrogate");
        }
    }

    private void checkScope(String field, List<String> values) {
        if (values.size() > options.maxScopeEntries()) {
            throw new InvalidInputException(field, field + " may list at most " + options.maxScopeEntries()
                    + " values, but had " + values.size());
        }
        for (String v : values) {
            if (v == null || v.isEmpty() || Utf8Order.firstUnstorableChar(v) >= 0) {
                throw new InvalidInputException(field, field + " must hold non-empty strings without U+0000 or unpaired surrogates");
            }
        }
    }

    private Sql sql(Handle h) {
        Sql s = sql;
        if (s == null) {
            s = new Sql(Dialect.of(h), options.schema());
            sql = s;
        }
        return s;
    }

    /**
     * Runs {@code work} in the caller's transaction behind a savepoint, so that input rejected
     * half-way (an op id reused with other content is only found after the tenant's counter row was
     * created and locked) leaves nothing behind when the caller commits anyway.
     */
    private static <T> T inSavepoint(Handle handle, HandleCallback<T, RuntimeException> work) {
        handle.savepoint(SAVEPOINT);
        T result;
        try {
            result = work.withHandle(handle);
        } catch (InvalidInputException e) {
            handle.rollbackToSavepoint(SAVEPOINT);
            throw e;
        }
        handle.releaseSavepoint(SAVEPOINT);
        return result;
    }

    private <T> T inTransaction(String doing, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.inTransaction(work);
        } catch (SyncException e) {
            throw e;
        } catch (JdbiException e) {
            throw StoreException.wrap(doing, e);
        }
    }

    private <T> T withHandle(String doing, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (SyncException e) {
            throw e;
        } catch (JdbiException e) {
            throw StoreException.wrap(doing, e);
        }
    }

    /**
     * The store's configuration.
     *
     * @param limits           input size limits
     * @param clock            where receive times come from (never used by the merge)
     * @param engine           the merge engine, with its policy
     * @param schema           schema that holds the tables, or null for the connection's default
     * @param defaultPullLimit page size of a pull that names none
     * @param maxPullLimit     largest page size a pull may ask for
     * @param maxPushOps       most ops in one push
     * @param maxScopeEntries  most values in each list of a pull scope
     */
    public record Options(Limits limits, Clock clock, MergeEngine engine, String schema, int defaultPullLimit,
                          int maxPullLimit, int maxPushOps, int maxScopeEntries) {
    }

    /** Builds a {@link SyncStore}. Defaults are listed on each setter. Not thread-safe. */
    public static final class Builder {
        private final Jdbi jdbi;
        private Limits limits = Limits.defaults();
        private Clock clock = Clock.systemUTC();
        private MergePolicy policy = MergePolicy.deleteWins();
        private String schema;
        private int defaultPullLimit = 500;
        private int maxPullLimit = 1000;
        private int maxPushOps = 1000;
        private int maxScopeEntries = 1000;

        private Builder(Jdbi jdbi) {
            this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        }

        /** Input limits; default {@link Limits#defaults()}. */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value);
            return this;
        }

        /** Clock for receive times; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Merge policy; default {@link MergePolicy#deleteWins()}. Changing it requires a replay. */
        public Builder mergePolicy(MergePolicy value) {
            this.policy = Objects.requireNonNull(value);
            return this;
        }

        /** Schema for the tables (a plain identifier); default: the connection's current schema. */
        public Builder schema(String value) {
            this.schema = SchemaMigrator.checkSchema(value);
            return this;
        }

        /** Page size of pulls that name none; default 500. */
        public Builder defaultPullLimit(int value) {
            this.defaultPullLimit = value;
            return this;
        }

        /** Largest page size a pull may ask for; default 1,000. */
        public Builder maxPullLimit(int value) {
            this.maxPullLimit = value;
            return this;
        }

        /** Most ops in one push; default 1,000. */
        public Builder maxPushOps(int value) {
            this.maxPushOps = value;
            return this;
        }

        /** Most values in each list of a pull scope; default 1,000. */
        public Builder maxScopeEntries(int value) {
            this.maxScopeEntries = value;
            return this;
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
            return new SyncStore(jdbi, new Options(limits, clock, MergeEngine.of(policy), schema, defaultPullLimit,
                    maxPullLimit, maxPushOps, maxScopeEntries));
        }
    }
}
