package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.HistoryPage;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PullSink;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.protocol.ReplayReport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sync store: an immutable journal of ops, the materialized objects and the conflict records,
 * in PostgreSQL, Citus or H2 through the application's {@link Jdbi}.
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
 *
 * <p>Live pulls ({@link #pullAsync}) start a change feed on first use: on PostgreSQL a thread and
 * one connection of the application's pool held for {@code LISTEN} (size the pool one larger), and
 * two daemon threads for the waits. {@link #close()} gives them back.
 */
public final class SyncStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    private final StoreContext context;
    private final GroupCommit groups;
    private final LivePulls live;

    /** A store with {@code headsCacheMinChars} for the heads cache's threshold (tests keep every object). */
    SyncStore(Jdbi jdbi, StoreOptions options, StoreMetrics metrics, int headsCacheMinChars) {
        this.context = new StoreContext(jdbi, options, metrics, new HeadsCache(options.headsCacheChars(), headsCacheMinChars));
        this.groups = new GroupCommit(context);
        this.live = new LivePulls(this::pullNow, () -> context.withHandle("starting live pulls",
                (h, sql) -> sql.dialect().changeFeed(context.jdbi(), h, sql)), options);
        metrics.liveWaiters(live::waiting);
        metrics.headsCache(context.headsCache());
    }

    /** A store with default options. */
    public static SyncStore create(Jdbi jdbi) {
        return builder(jdbi).build();
    }

    /** A builder for a store on {@code jdbi}. */
    public static SyncStoreBuilder builder(Jdbi jdbi) {
        return new SyncStoreBuilder(jdbi);
    }

    /** What the store keeps parsed of objects it merged into; package-private, for tests. */
    HeadsCache headsCache() {
        return context.headsCache();
    }

    /** The options this store was built with. */
    public StoreOptions options() {
        return context.options();
    }

    /** The database's dialect: as the builder named it, or detected (connecting once if not yet known). */
    public SqlDialect dialect() {
        return context.dialectKind();
    }

    private MergeEngine engine() {
        return context.options().engine();
    }

    /**
     * Creates or upgrades the store's tables (in the configured schema, created if missing). Safe to
     * call from several processes at once and on every start; does nothing when up to date. A
     * schema whose migrations Flyway ran (it holds {@code flyway_schema_history}) is left to Flyway:
     * nothing is done when Flyway's history is at {@link #latestSchemaVersion()}, and otherwise
     * {@link FlywaySchemaException} says to run Flyway with the library's location.
     *
     * @return the migration versions applied by this call
     * @throws FlywaySchemaException when Flyway manages the schema and it is behind or has a failed
     *                               migration, or when Flyway's history is in a schema of the same
     *                               name in another case (nothing is created then)
     */
    public List<Integer> migrate() {
        return context.withHandle("migrating the schema",
                (h, sql) -> SchemaMigrator.migrate(h, sql.dialect(), options().schema(), options().clock()));
    }

    /**
     * The schema version installed in the database: 0 when the tables were never created, and
     * {@link #latestSchemaVersion()} when {@link #migrate()} has nothing left to do. Reads what
     * {@code migrate()} recorded and what Flyway did (the highest successful version in
     * {@code flyway_schema_history} in the store's schema), whichever is higher. For health checks
     * and for tools that must not create tables.
     */
    public int schemaVersion() {
        return context.withHandle("reading the schema version", SchemaMigrator::installedVersion);
    }

    /** The newest schema version this library ships. */
    public static int latestSchemaVersion() {
        return SchemaMigrator.latestVersion();
    }

    /**
     * Pushes a batch of ops for one tenant in one transaction: every op is journaled and merged, or
     * (on any error) nothing is written. Re-sent ops are {@code duplicate}s.
     *
     * <p>Concurrent calls for the same tenant are grouped ({@link SyncStoreBuilder#groupCommit}):
     * while one runs, the others queue, and the next transaction runs several of them one after the
     * other and commits once. Each call's results are exactly those of pushing it alone after the
     * calls that ran before it; a refused call fails alone; a database failure fails every call of
     * its transaction.
     *
     * @throws InvalidInputException on a bad tenant id, an op over the limits, too many ops, or an
     *                               op id reused with other content (nothing written)
     * @throws PolicyMismatchException when the tenant's state was merged with another policy than
     *                               this store's (nothing written); the first push into a tenant,
     *                               or the first since schema 4, records this store's policy
     * @throws StoreException        when the database fails (nothing written, unless the connection
     *                               was lost during the commit: then the batch may be stored; retry),
     *                               or the tenant's lock was not free within the lock-wait timeout
     */
    public PushResult push(String tenantId, List<Op> ops) {
        return checkedAndMetered(tenantId, ops, tally -> {
            if (options().maxGroupRequests() > 1) {
                return groups.push(tenantId, ops, tally);
            }
            PushResult result = context.inTransaction(pushing(tenantId), null, true,
                    (h, sql) -> PushWork.push(h, sql, engine(), options(), context.headsCache(), tenantId, ops, now(), tally));
            context.metrics().recordGroupSize(1);
            return result;
        });
    }

    /**
     * Checks the push, runs it, and reports its time, outcomes and tally to the metrics (when it
     * returns: a caller's transaction may still roll it back) and a slow push to the log.
     */
    private PushResult checkedAndMetered(String tenantId, List<Op> ops, Function<PushTally, PushResult> push) {
        long start = System.nanoTime();
        PushTally tally = new PushTally();
        PushResult result;
        try {
            Checks.push(options(), tenantId, ops);
            result = push.apply(tally);
        } catch (RuntimeException e) {
            context.metrics().pushFailed(e, System.nanoTime() - start);
            throw e;
        }
        context.metrics().pushed(result, tally, System.nanoTime() - start);
        logIfSlow(tenantId, ops.size(), start);
        return result;
    }

    /**
     * Tells {@code listener} of every group-commit transaction of this store (the group's size is
     * its member count), on the thread that ran it, before its members' callers return. For
     * metrics and tests; package-private.
     */
    void groupListener(GroupCommit.Listener listener) {
        groups.listener(listener);
    }

    /** How many pushes of the tenant wait for a group or run in the one under way; package-private, for tests. */
    int queuedPushes(String tenantId) {
        return groups.queued(tenantId);
    }

    private void logIfSlow(String tenantId, int ops, long startNanos) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        if (millis >= options().slowPushThreshold().toMillis()) {
            LOG.warn("slow push: {} ops for tenant \"{}\" took {} ms (threshold {} ms)", ops, tenantId, millis,
                    options().slowPushThreshold().toMillis());
        }
    }

    /**
     * Pushes inside the caller's open transaction on {@code handle} (or in a new one when none is
     * open), so that the service's own writes and the push commit or roll back together. The push
     * holds the tenant's counter row lock until that transaction ends; keep it short. On an
     * {@link InvalidInputException} the push has taken back what it did (the caller's transaction
     * stays usable); on a {@link StoreException} the caller must roll back.
     */
    public PushResult push(Handle handle, String tenantId, List<Op> ops) {
        return checkedAndMetered(tenantId, ops, tally -> {
            PushResult result = context.onCallerHandle(handle, pushing(tenantId), true,
                    (h, sql) -> PushWork.push(h, sql, engine(), options(), context.headsCache(), tenantId, ops, now(), tally));
            context.metrics().recordGroupSize(1);
            return result;
        });
    }

    /**
     * Imports objects as an existing system holds them today (the first step of moving a service's
     * data into the store beside its legacy sync), in one transaction through the push path: each
     * object becomes one op of the import actor, clock {@code {"~import": 1}}, op id
     * {@link ImportedObject#opIdFor}. An object the store does not have yet is {@code applied}; one
     * that clients wrote before the import gets the import op as a concurrent head
     * ({@code merged}, a conflict recorded, the policy picks the winner); one imported before is a
     * {@code duplicate}, so a re-run changes nothing. A client whose op's clock covers the pulled
     * context (which names {@code ~import}) supersedes the import op as any op of another client.
     *
     * @throws InvalidInputException on a bad tenant id, more objects than
     *                               {@link StoreOptions#maxPushOps()}, an object over the limits (field
     *                               {@code id}, {@code type}, {@code tags} or {@code payload}), or one
     *                               imported before with other content ({@code op_id_reused}); nothing written
     * @throws PolicyMismatchException and {@link StoreException} as {@link #push(String, List)}
     */
    public PushResult importObjects(String tenantId, List<ImportedObject> objects) {
        List<Op> ops = Checks.importBatch(options(), tenantId, objects);
        return context.inTransaction("importing objects for tenant \"" + tenantId + "\"", null,
                (h, sql) -> PushWork.push(h, sql, engine(), options(), context.headsCache(), tenantId, ops, now(), new PushTally()));
    }

    /**
     * Imports a JSON-lines file of objects (UTF-8, one object a line, blank lines skipped):
     * {@code {"id":"note-1","type":"note","tags":["inbox"],"payload":{...},"deleted":false}}, where
     * {@code tags} and {@code deleted} may be left out and {@code payload} must be when
     * {@code deleted} is true. A first pass reads and checks the whole file and writes nothing; a
     * bad line fails the import before anything is written. Then the objects go in as
     * {@link #importObjects} does, in batches of at most {@code batchSize} objects and 4 Mi
     * characters of lines, one transaction each, so memory holds one batch. A failure in the second
     * pass (the database, or an object imported before with other content) leaves the batches
     * before it written; run the import again to finish it (they come back as duplicates).
     *
     * @param batchSize objects per transaction, 1 to {@link StoreOptions#maxPushOps()}
     * @throws ImportLineException naming the line and the field, for the first line that cannot
     *                             be imported (a line over 4 times the payload limit is one)
     * @throws IOException         when the file cannot be read
     */
    public ImportReport importFile(String tenantId, Path file, int batchSize) throws IOException {
        Checks.tenant(options(), tenantId);
        Objects.requireNonNull(file, "file");
        if (batchSize < 1 || batchSize > options().maxPushOps()) {
            throw new InvalidInputException("batchSize", "batchSize must be between 1 and " + options().maxPushOps()
                    + ", but was " + batchSize);
        }
        return new ImportWork(this, tenantId, file, batchSize).run();
    }

    static String pushing(String tenantId) {
        return "pushing ops for tenant \"" + tenantId + "\"";
    }

    private java.time.OffsetDateTime now() {
        return Rows.utc(options().clock().instant());
    }

    /**
     * One page of objects changed after the request's cursor, in change order: at most the
     * request's limit of them, and about {@link StoreOptions#maxPageBytes()} of stored bytes (an
     * object larger than that comes alone in its page).
     *
     * @throws InvalidCursorException for a malformed cursor, one of another tenant or one ahead of
     *                                the tenant's head
     * @throws InvalidInputException  for a bad tenant id, limit or scope
     */
    public PullResponse pull(String tenantId, PullRequest request) {
        if (request != null && request.waits()) {
            return await(pullAsync(tenantId, request));
        }
        return pullNow(tenantId, request);
    }

    private PullResponse pullNow(String tenantId, PullRequest request) {
        PullResponse.Collector page = PullResponse.collector();
        pull(tenantId, request.waits() ? request.withWaitMs(0) : request, page);
        return page.response();
    }

    private static PullResponse await(CompletableFuture<PullResponse> page) {
        try {
            return page.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * The same page as {@link #pull(String, PullRequest)}, handed to {@code sink} object by object
     * as it is read, so that memory holds about one chunk of it (1 MiB or one object) rather than
     * the page. The request is checked before {@code sink} is called; a database failure may come
     * after some objects were handed over (the sink then never sees {@link PullSink#end}). A live
     * pull ({@link PullRequest#waits()}) blocks the calling thread as {@link #pullAsync} waits, and
     * hands over the page it then holds.
     */
    public void pull(String tenantId, PullRequest request, PullSink sink) {
        long start = System.nanoTime();
        try {
            Checks.tenant(options(), tenantId);
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(sink, "sink");
            int limit = Checks.pullLimit(options(), request.limit());
            Checks.scope(options(), request.scope());
            Cursors.decode(request.sinceCursor(), tenantId);
            if (request.waits()) {
                PullResponse page = await(pullAsync(tenantId, request));
                for (MaterializedObject o : page.objects()) {
                    sink.object(o, request.includeHeads() ? page.otherHeads().getOrDefault(o.objectId(), List.of()) : null);
                }
                page.removed().forEach(sink::removed);
                sink.end(page.serverCursor(), page.hasMore());
                return;
            }
            context.inTransaction("pulling for tenant \"" + tenantId + "\"", Dialect::snapshotIsolation,
                    (h, sql) -> PullWork.pull(h, sql, tenantId, request, limit, options().maxPageBytes(), sink));
        } catch (RuntimeException e) {
            context.metrics().pulled(e, System.nanoTime() - start);
            throw e;
        }
        context.metrics().pulled(null, System.nanoTime() - start);
    }

    /**
     * A pull that may wait for a change (a live pull, docs/protocol.md): the page of
     * {@link #pull(String, PullRequest)}, read at once on the calling thread; when it has nothing
     * in the request's scope and the request {@linkplain PullRequest#waits() waits}, the future
     * completes later, without holding a thread or a connection meanwhile: as soon as a push of the
     * tenant commits something in the scope (from any store on the database; on PostgreSQL from
     * any process), with the page that holds it, or at the deadline ({@code waitMs}, cut to
     * {@link StoreOptions#maxPullWait()}) with the empty page and the cursor it had. A request that
     * does not wait completes at once.
     *
     * <p>Cancelling the future ends the wait. A failure of the read once woken (the database, or a
     * cursor expired by a purge meanwhile) completes the future exceptionally.
     *
     * @throws InvalidInputException     for a bad request, as {@link #pull} (nothing waits)
     * @throws TooManyWaitersException   when {@link StoreOptions#maxLiveWaiters()} pulls wait already
     * @throws StoreException            when the first read fails
     */
    public CompletableFuture<PullResponse> pullAsync(String tenantId, PullRequest request) {
        Checks.tenant(options(), tenantId);
        Objects.requireNonNull(request, "request");
        Checks.pullLimit(options(), request.limit());
        Checks.scope(options(), request.scope());
        Cursors.decode(request.sinceCursor(), tenantId);
        return live.pull(tenantId, request);
    }

    /** This store's live pulls: how many wait, the bound, whether commits are heard. */
    public LivePulls livePulls() {
        return live;
    }

    /**
     * Stops the store's live pulls: those waiting are answered with their empty page, as at their
     * deadline, and the change feed gives back its connection and thread. Later live pulls fail;
     * everything else works as before (the store holds nothing else). Idempotent.
     */
    @Override
    public void close() {
        live.close();
    }

    /**
     * The current state of one object, if it has any op.
     *
     * @throws InvalidInputException for a bad tenant id, or an object id holding U+0000 or an
     *                               unpaired surrogate (no op can have it)
     */
    public Optional<MaterializedObject> find(String tenantId, String objectId) {
        Checks.tenant(options(), tenantId);
        Checks.objectId(objectId);
        return context.withHandle("reading object \"" + objectId + "\"", (h, sql) -> ObjectReads.find(h, sql, tenantId, objectId));
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
     *
     * <p>The replay's policy (the options', else the store's) must be the one recorded for the
     * tenant, unless the options {@linkplain ReplayOptions#withSwitchPolicy(boolean) switch
     * policy}: then a verify reports what the switch would change, and a rebuild re-merges the
     * tenant and records the new policy in the same transaction. A rebuild of a tenant with no
     * recorded policy records its own.
     *
     * @throws PolicyMismatchException when another policy is recorded and the options do not switch
     */
    public ReplayReport replay(String tenantId, ReplayOptions replayOptions) {
        Checks.tenant(options(), tenantId);
        MergeEngine engine = replayOptions.policy() == null ? engine() : MergeEngine.of(replayOptions.policy());
        ReplayMode mode = replayOptions.mode();
        boolean verify = mode == ReplayMode.VERIFY;
        StoreMetrics metrics = context.metrics();
        // Journal entries are counted page by page as the replay reads them, whatever its end.
        long[] read = {0};
        ReplayOptions counted = replayOptions.withProgress(p -> {
            metrics.replayRead(mode, p.journalOps() - read[0]);
            read[0] = p.journalOps();
            replayOptions.progress().accept(p);
        });
        metrics.replayStarted(mode);
        ReplayReport report = null;
        try {
            report = context.inTransaction("replaying tenant \"" + tenantId + "\"",
                    d -> verify ? d.snapshotIsolation() : TransactionIsolationLevel.READ_COMMITTED,
                    (h, sql) -> new ReplayWork(h, sql, engine, options().aliasThreshold(), tenantId, counted, now()).run());
            return report;
        } finally {
            metrics.replayEnded(mode, report, read[0]);
        }
    }

    /**
     * Purges one tenant's rows older than a retention horizon ({@code options.horizon()}): tombstones
     * whose delete is their only head become graves (gone from pulls and {@link #find}, but a late
     * op for the object is judged against the delete as before), conflict records before the
     * horizon are removed, and so are scope exits no served cursor can ask for. With an archive,
     * journal entries before the horizon are written to it ({@link PurgeArchive}) and removed,
     * except the heads of every object at the horizon: that snapshot is where replay starts.
     *
     * <p>The horizon is recorded for the tenant and only moves forward; a pull whose cursor was
     * issued before it fails with {@link InvalidCursorException} ({@code cursor_expired}), and the
     * client resyncs from null. A purge runs in short transactions of at most
     * {@link PurgeOptions#batchSize()} rows (the tombstone batches under the tenant's lock), in
     * memory bounded by one batch; one that fails part way is finished by running it again with the
     * same horizon (a new archive then holds the rest). A dry run reports the same counts and writes
     * nothing. Verify and rebuild after a purge report and restore nothing it removed.
     *
     * @throws InvalidInputException naming {@code before} when the horizon is after the store's
     *                               clock or before the tenant's recorded horizon (nothing written)
     */
    public PurgeReport purge(String tenantId, PurgeOptions purgeOptions) {
        Checks.tenant(options(), tenantId);
        Objects.requireNonNull(purgeOptions, "purgeOptions");
        PurgeReport report = new PurgeWork(context, engine(), tenantId, purgeOptions, now()).run();
        context.metrics().purged(report);
        return report;
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

    /**
     * One page of the history of one object: the entries after journal position
     * {@code afterJournalSeq} (0 for the first page), at most {@code limit} of them (1 to the
     * store's largest pull limit) and about {@link StoreOptions#maxPageBytes()} of payload (an entry
     * larger than that comes alone). Memory is O(page); the entries before the page are read again
     * to recompute their outcomes, so paging through an object's history costs O(entries) per page.
     *
     * @throws InvalidInputException as {@link #find} does, or for a limit out of range
     */
    public HistoryPage history(String tenantId, String objectId, long afterJournalSeq, int limit) {
        Checks.tenant(options(), tenantId);
        Checks.objectId(objectId);
        int checkedLimit = Checks.pullLimit(options(), limit);
        if (afterJournalSeq < 0) {
            throw new InvalidInputException("after", "after must be >= 0, but was " + afterJournalSeq);
        }
        return context.inTransaction("reading the history of \"" + objectId + "\"", null,
                (h, sql) -> HistoryReads.page(h, sql, engine(), tenantId, objectId, afterJournalSeq, checkedLimit,
                        options().maxPageBytes()));
    }

    /** Streams the history of one object to {@code sink}, in journal order, in constant memory. */
    public void history(String tenantId, String objectId, Consumer<HistoryEntry> sink) {
        Checks.tenant(options(), tenantId);
        Checks.objectId(objectId);
        context.inTransaction("reading the history of \"" + objectId + "\"", null, (h, sql) -> {
            HistoryReads.history(h, sql, engine(), tenantId, objectId, sink);
            return null;
        });
    }

    /**
     * Conflict records matching {@code query}, in journal order: one per merged op (rows written
     * before schema version 6 may hold several for one op, ordered by winner then loser op id, UTF-8).
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
        checkConflictQuery(tenantId, query);
        context.inTransaction("reading conflicts of tenant \"" + tenantId + "\"", null, (h, sql) -> {
            ConflictReads.conflicts(h, sql, tenantId, query, sink);
            return null;
        });
    }

    /** Number of conflict records by reason and object type, sorted by reason then type (UTF-8). */
    public List<ConflictCount> conflictCounts(String tenantId) {
        return conflictCounts(tenantId, ConflictQuery.all());
    }

    /**
     * Number of conflict records matching {@code query} by reason and object type, sorted by reason
     * then type (UTF-8).
     */
    public List<ConflictCount> conflictCounts(String tenantId, ConflictQuery query) {
        checkConflictQuery(tenantId, query);
        return context.withHandle("counting conflicts of tenant \"" + tenantId + "\"",
                (h, sql) -> ConflictReads.counts(h, sql, tenantId, query));
    }

    private void checkConflictQuery(String tenantId, ConflictQuery query) {
        Checks.tenant(options(), tenantId);
        Objects.requireNonNull(query, "query");
        if (query.objectId() != null) {
            Checks.objectId(query.objectId());
        }
    }

    /** The cursor of the tenant's latest change (the start for a tenant with none). */
    public String headCursor(String tenantId) {
        Checks.tenant(options(), tenantId);
        return context.withHandle("reading the head of tenant \"" + tenantId + "\"",
                (h, sql) -> {
                    Counters head = Tenants.head(h, sql, tenantId);
                    return Cursors.encode(tenantId, head, head.changeSeq());
                });
    }
}
