package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.syncmat.jdbi.RowBatch.int8;
import static dev.syncmat.jdbi.RowBatch.text;

/**
 * One purge of one tenant, as a sequence of short transactions, each of at most one batch of rows:
 *
 * <ol>
 *   <li>Under the tenant's lock: check the horizon (not before the recorded one, not after the
 *       clock), find the journal prefix received before it (positions up to J) and record both.
 *       From this commit on, cursors issued below J are {@code cursor_expired}, replay
 *       computes no conflict records up to J and ignores stored ones there.</li>
 *   <li>Per batch, under the tenant's lock: tombstones whose delete is their only head and that
 *       were last written before the horizon become graves ({@link Graves}); their object and tag
 *       rows go, and in the same transaction the tenant's horizon change number rises to the
 *       highest change number removed and a new epoch is drawn: a cursor issued before the batch
 *       names the old epoch and, below that change number, is expired, so no served cursor can
 *       miss a removed tombstone; cursors issued after it (a client resyncing from null pages
 *       through low change numbers) name the new one.</li>
 *   <li>Per batch: conflict records up to J; then the scope exits at or below the horizon change
 *       number (no served cursor asks for them).</li>
 *   <li>With an archive, per page of the journal up to J read in (object, position) order: each
 *       object is merged from its entries, and an entry is archived and removed as soon as it is
 *       no head (stale, or dominated by a later entry). What is left of each object up to J is its
 *       heads at J, the snapshot, listed in the archive when the object is finished. Those rows
 *       include every current head up to J (a head of everything is a head of any subset holding
 *       it), so no object's winner or other head is ever removed. The lines of a page are flushed
 *       before its rows are deleted. The row at J itself stays too, so that a cursor issued at
 *       that journal position can still be checked.</li>
 * </ol>
 *
 * Each step is idempotent, so a purge that failed part way is finished by running it again with
 * the same horizon; every commit point leaves a state that verify calls consistent and that no
 * client can read with a gap. Memory: one batch of rows and the heads of one object.
 */
final class PurgeWork {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    private final StoreContext context;
    private final MergeEngine engine;
    private final String tenant;
    private final PurgeOptions options;
    private final OffsetDateTime now;
    private final String doing;

    PurgeWork(StoreContext context, MergeEngine engine, String tenant, PurgeOptions options, OffsetDateTime now) {
        this.context = context;
        this.engine = engine;
        this.tenant = tenant;
        this.options = options;
        this.now = now;
        this.doing = "purging tenant \"" + tenant + "\"";
    }

    /** The horizon as recorded by step 1, with what the tenant held before. */
    private record Plan(Counters before, Instant horizon, long horizonJournalSeq) {
    }

    PurgeReport run() {
        if (options.horizon().isAfter(now.toInstant())) {
            throw new InvalidInputException("before", "the horizon (before) must not be after the store's clock ("
                    + now.toInstant() + "), but was " + options.horizon());
        }
        Plan plan = context.inTransaction(doing, null, (h, sql) -> plan(h, sql));
        if (plan == null) {
            return new PurgeReport(tenant, options.dryRun(), null, 0, 0, 0, 0, 0, 0, 0);
        }
        LOG.info("{}{} to horizon {} (journal positions up to {})", options.dryRun() ? "dry run of " : "", doing,
                plan.horizon(), plan.horizonJournalSeq());
        long[] tombstones = options.dryRun() ? countTombstones() : purgeTombstones();
        long horizonChangeSeq = Math.max(plan.before().horizonChangeSeq(), tombstones[1]);
        long conflicts = options.dryRun() ? count("conflicts_count_up_to", plan.horizonJournalSeq())
                : purgeConflicts(plan.horizonJournalSeq());
        long exits = options.dryRun() ? count("scope_exits_count_up_to", horizonChangeSeq)
                : context.inTransaction(doing, null, (h, sql) ->
                        (long) sql.update(h, "scope_exits_purge").bind("tenant", tenant).bind("upTo", horizonChangeSeq).execute());
        long[] journal = options.archive() == null ? new long[2] : archive(plan);
        PurgeReport report = new PurgeReport(tenant, options.dryRun(), plan.horizon(), plan.horizonJournalSeq(),
                horizonChangeSeq, tombstones[0], conflicts, exits, journal[0], journal[1]);
        LOG.info("{}{} finished: {}", options.dryRun() ? "dry run of " : "", doing, report);
        return report;
    }

    private Plan plan(Handle h, Sql sql) {
        Counters head = Tenants.head(h, sql, tenant);
        if (head == Counters.NONE) {
            return null;
        }
        Counters c = options.dryRun() ? head : Tenants.lock(h, sql, tenant);
        Instant recorded = sql.query(h, "tenant_horizon").bind("tenant", tenant)
                .map((rs, ctx) -> Rows.instant(rs, "horizon_at")).one();
        if (recorded != null && options.horizon().isBefore(recorded)) {
            throw new InvalidInputException("before", "the horizon (before) of tenant \"" + tenant
                    + "\" only moves forward: it is " + recorded + ", but was " + options.horizon());
        }
        Long first = sql.query(h, "journal_first_at_or_after").bind("tenant", tenant)
                .bind("before", Rows.utc(options.horizon())).map((rs, ctx) -> (Long) rs.getObject("first_seq", Long.class)).one();
        long j = Math.max(c.horizonJournalSeq(), first == null ? c.journalSeq() : first - 1);
        if (!options.dryRun()) {
            sql.update(h, "tenant_horizon_record").bind("tenant", tenant).bind("horizonAt", Rows.utc(options.horizon()))
                    .bind("horizonJournalSeq", j).execute();
        }
        return new Plan(c, options.horizon(), j);
    }

    private long count(String statement, long upTo) {
        return context.withHandle(doing, (h, sql) -> sql.query(h, statement).bind("tenant", tenant).bind("upTo", upTo)
                .mapTo(Long.class).one());
    }

    /** How many tombstones would become graves, and the highest change number among them. */
    private long[] countTombstones() {
        return context.withHandle(doing, (h, sql) -> sql.query(h, "purge_tombstones_count").bind("tenant", tenant)
                .bind("before", Rows.utc(options.horizon()))
                .map((rs, ctx) -> new long[]{rs.getLong("n"), rs.getLong("max_change_seq")}).one());
    }

    /** One batch of tombstones turned into graves. */
    private record TombstoneBatch(long count, long maxChangeSeq, String lastId) {
    }

    /** Turns tombstones into graves, a batch per transaction: how many, and the highest change number removed. */
    private long[] purgeTombstones() {
        long total = 0;
        long maxChangeSeq = 0;
        String after = "";
        while (true) {
            String from = after;
            TombstoneBatch batch = context.inTransaction(doing, null, (h, sql) -> {
                // Under the lock no push changes these rows between the read and the delete.
                Tenants.lock(h, sql, tenant);
                Graves.Batch graves = new Graves.Batch();
                RowBatch objects = new RowBatch("object_delete", text("objectId"));
                RowBatch tags = new RowBatch("tags_delete", text("objectId"));
                long[] max = {0};
                List<String> ids = sql.query(h, "purge_tombstones_page").bind("tenant", tenant).bind("after", from)
                        .bind("before", Rows.utc(options.horizon())).bind("limit", options.batchSize())
                        .map((rs, ctx) -> {
                            String id = rs.getString("object_id");
                            long changeSeq = rs.getLong("change_seq");
                            graves.add(id, rs.getString("object_type"), rs.getString("vector_clock"),
                                    rs.getString("winner_op_id"), rs.getString("winner_timestamp"), rs.getString("tags"),
                                    changeSeq, now);
                            objects.add(id);
                            tags.add(id);
                            max[0] = Math.max(max[0], changeSeq);
                            return id;
                        }).list();
                if (!ids.isEmpty()) {
                    graves.flush(h, sql, tenant);
                    tags.execute(h, sql, tenant);
                    objects.execute(h, sql, tenant);
                    // A new epoch in the same transaction: cursors issued from now on name it and have
                    // seen none of these rows; those naming the old one are checked against the horizon.
                    sql.update(h, "tenant_horizon_change").bind("tenant", tenant).bind("horizonChangeSeq", max[0])
                            .bind("epoch", Tenants.newEpoch()).execute();
                }
                return new TombstoneBatch(ids.size(), max[0], ids.isEmpty() ? from : ids.get(ids.size() - 1));
            });
            total += batch.count();
            maxChangeSeq = Math.max(maxChangeSeq, batch.maxChangeSeq());
            if (batch.count() < options.batchSize()) {
                return new long[]{total, maxChangeSeq};
            }
            after = batch.lastId();
        }
    }

    /** Deletes conflict records up to {@code upTo}, a batch of them per transaction. */
    private long purgeConflicts(long upTo) {
        long total = 0;
        while (true) {
            int removed = context.inTransaction(doing, null, (h, sql) -> {
                List<Long> seqs = sql.query(h, "conflicts_next_up_to").bind("tenant", tenant).bind("upTo", upTo)
                        .bind("limit", options.batchSize()).mapTo(Long.class).list();
                if (seqs.isEmpty()) {
                    return 0;
                }
                return sql.update(h, "conflicts_purge_range").bind("tenant", tenant).bind("from", 0L)
                        .bind("to", seqs.get(seqs.size() - 1)).execute();
            });
            if (removed == 0) {
                return total;
            }
            total += removed;
        }
    }

    /** The object being archived: its state at the entries read so far, and the journal entries of its heads. */
    private static final class Tracked {
        final String objectId;
        final ContextAliases aliases;
        ObjectState state;
        final Map<String, Rows.JournalEntry> heads = new LinkedHashMap<>();

        Tracked(String objectId, ContextAliases aliases) {
            this.objectId = objectId;
            this.aliases = aliases;
        }
    }

    /** Archives the journal up to the horizon: how many entries were removed, and how many heads kept. */
    private long[] archive(Plan plan) {
        long upTo = plan.horizonJournalSeq();
        PurgeArchive.Output out = options.dryRun() ? null : new PurgeArchive.Output(options.archive());
        if (out != null) {
            out.horizon(tenant, plan.horizon(), upTo, engine.policy().id());
            out.flush();
        }
        long[] totals = {0, 0};
        String[] afterObject = {""};
        long[] afterSeq = {0};
        Tracked[] current = {null};
        while (true) {
            boolean last = context.inTransaction(doing, null, (h, sql) -> {
                List<Rows.JournalEntry> page = sql.query(h, "archive_page").bind("tenant", tenant)
                        .bind("afterObject", afterObject[0]).bind("afterSeq", afterSeq[0]).bind("upTo", upTo)
                        .bind("limit", options.batchSize()).map((rs, ctx) -> Rows.journalEntry(rs)).list();
                Set<String> ids = new LinkedHashSet<>();
                page.forEach(e -> ids.add(e.op().objectId()));
                if (current[0] != null) {
                    ids.remove(current[0].objectId);
                }
                Map<String, ContextAliases> aliases = StoredAliases.byObjects(h, sql, tenant, ids);
                RowBatch deletes = new RowBatch("journal_delete", int8("journalSeq"));
                for (Rows.JournalEntry e : page) {
                    String id = e.op().objectId();
                    if (current[0] == null || !current[0].objectId.equals(id)) {
                        finish(current[0], out, totals);
                        current[0] = new Tracked(id, aliases.getOrDefault(id, ContextAliases.none()));
                        if (out != null) {
                            out.aliases(id, current[0].aliases);
                        }
                    }
                    Tracked t = current[0];
                    Op op = StoredAliases.expand(t.aliases, e.op());
                    ApplyResult r = engine.apply(t.state, op);
                    List<Rows.JournalEntry> gone = new ArrayList<>();
                    if (r.outcome().changed()) {
                        t.state = r.state();
                        Set<String> headIds = new HashSet<>();
                        r.state().heads().forEach(x -> headIds.add(x.opId()));
                        t.heads.values().removeIf(x -> {
                            if (!headIds.contains(x.op().opId())) {
                                gone.add(x);
                                return true;
                            }
                            return false;
                        });
                        t.heads.put(e.op().opId(), e);
                    } else {
                        gone.add(e);
                    }
                    for (Rows.JournalEntry x : gone) {
                        if (x.journalSeq() == upTo) {
                            // The prefix's last row stays: a cursor issued there (by the purge's
                            // last pulls, or right after it) is checked against it.
                            continue;
                        }
                        totals[0]++;
                        if (out != null) {
                            out.entry(x);
                            deletes.add(x.journalSeq());
                        }
                    }
                }
                boolean end = page.size() < options.batchSize();
                if (end) {
                    finish(current[0], out, totals);
                    current[0] = null;
                }
                if (out != null) {
                    out.flush();
                    if (deletes.size() > 0) {
                        sql.dialect().writeRowWise(deletes, h, sql, tenant);
                    }
                }
                if (!page.isEmpty()) {
                    Rows.JournalEntry tail = page.get(page.size() - 1);
                    afterObject[0] = tail.op().objectId();
                    afterSeq[0] = tail.journalSeq();
                }
                return end;
            });
            if (last) {
                return totals;
            }
        }
    }

    private static void finish(Tracked t, PurgeArchive.Output out, long[] totals) {
        if (t == null) {
            return;
        }
        totals[1] += t.heads.size();
        if (out != null) {
            out.snapshot(t.objectId, new ArrayList<>(t.heads.values()));
        }
    }
}
