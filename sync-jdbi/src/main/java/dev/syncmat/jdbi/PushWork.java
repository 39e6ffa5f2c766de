package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One push, inside a transaction the caller opened. Round trips: lock the tenant's counter row,
 * load the touched objects, then one write per table (as the dialect writes batches). Re-sent and
 * reused op ids are found before anything stays written: where the dialect pushes optimistically
 * (PostgreSQL) the journal rows are written behind a savepoint and, when the unique index reports
 * a known op id, the push rolls back to it and looks the op ids up; elsewhere (H2, Citus) it looks
 * them up first. Either way a rejected push leaves nothing behind, and the work per push is
 * O(batch), whatever the journal's size.
 */
final class PushWork {
    private PushWork() {
    }

    private static final String OPTIMISTIC = "sync_push_new_ops";
    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    /** One push; tells {@code tally} its wait for the tenant's lock and the conflict records it writes. */
    static PushResult push(Handle h, Sql sql, MergeEngine engine, StoreOptions options, String tenant, List<Op> ops,
                           OffsetDateTime now, PushTally tally) {
        long lockStart = System.nanoTime();
        Counters counters = Tenants.lock(h, sql, tenant);
        tally.lockWaited(System.nanoTime() - lockStart);
        String policyId = engine.policy().id();
        Tenants.requirePolicy(tenant, counters, policyId, "this push");
        if (counters.policyId() == null) {
            // The tenant's first push (or its first since schema 4) records the policy it merges with.
            Tenants.recordPolicy(h, sql, tenant, policyId);
        }
        if (sql.dialect().optimisticPush()) {
            // Most pushes carry only new ops. Write them as such, first the journal rows, and let the
            // unique index on (tenant_id, op_id) prove it; only when it objects (a re-sent op, or an op
            // id reused) roll back to here and take the path that looks the op ids up first. This
            // saves a round trip and an index probe per op on every ordinary push.
            h.savepoint(OPTIMISTIC);
            try {
                PushResult result = apply(h, sql, engine, options, tenant, ops, now, counters, Map.of(), tally);
                h.releaseSavepoint(OPTIMISTIC);
                return result;
            } catch (JdbiException e) {
                SQLException cause = StoreException.findSqlException(e);
                if (cause == null || !sql.dialect().isOpIdCollision(cause)) {
                    throw e;
                }
                h.rollbackToSavepoint(OPTIMISTIC);
                LOG.debug("push for tenant \"{}\" carries op ids already journaled; looking its {} op ids up", tenant, ops.size());
            }
        }
        Set<String> opIds = new LinkedHashSet<>();
        ops.forEach(op -> opIds.add(op.opId()));
        return apply(h, sql, engine, options, tenant, ops, now, counters, Rows.journalByOpIds(h, sql, tenant, opIds), tally);
    }

    /**
     * The store's op that resolves {@code state}'s heads: the winner's type, tags and payload (or
     * its delete), with the full context and the store actor's next counter, so that it supersedes
     * every head and changes nothing a client sees but the clock. Its clock is journaled compressed
     * under the object's aliases, as a client would send it. Its op id names its journal position,
     * which no other op of the tenant has; client op ids may not start with {@code ~}.
     */
    static Op resolution(ObjectState state, Map<String, ContextAliases> aliases, int aliasThreshold, Writes writes,
                         long journalSeq) {
        Op w = state.winner();
        VectorClock full = state.context().merge(VectorClock.of(Op.STORE_ACTOR, state.context().get(Op.STORE_ACTOR) + 1));
        // Its clock is the object's clock from now on, served as it is stored: compressed under an
        // alias recorded first if the context has outgrown the latest one, as a push would record.
        ContextAliases a = aliases.getOrDefault(state.objectId(), ContextAliases.none());
        var next = a.next(full, aliasThreshold);
        if (next.isPresent()) {
            a = a.with(next.get());
            writes.alias(state.objectId(), a.latest(), journalSeq, next.get());
            aliases.put(state.objectId(), a);
        }
        return Op.builder().opId(RESOLUTION_PREFIX + journalSeq).objectId(state.objectId()).objectType(w.objectType())
                .kind(w.kind()).clock(a.compress(full)).payload(w.payload()).tags(w.tags()).build();
    }

    /** How the op ids of resolution ops begin. */
    static final String RESOLUTION_PREFIX = "~r";

    /**
     * Merges and writes the batch, given the journal entries of those of its op ids that were seen
     * before ({@code journaled}). The journal rows are written first.
     */
    private static PushResult apply(Handle h, Sql sql, MergeEngine engine, StoreOptions options, String tenant, List<Op> ops,
                                    OffsetDateTime now, Counters counters, Map<String, Rows.JournalEntry> journaled,
                                    PushTally tally) {
        tally.restart();
        long journalSeq = counters.journalSeq();
        long changeSeq = counters.changeSeq();
        Map<String, Op> firstInBatch = new HashMap<>();
        Set<String> objectIds = new LinkedHashSet<>();
        for (Op op : ops) {
            Rows.JournalEntry stored = journaled.get(op.opId());
            Op previous = stored != null ? stored.op() : firstInBatch.putIfAbsent(op.opId(), op);
            if (previous != null && !previous.equals(op)) {
                throw new OpIdReusedException(op.opId());
            }
            if (stored == null) {
                objectIds.add(op.objectId());
            }
        }

        Map<String, Rows.StoredObject> before = Rows.objectsByIds(h, sql, engine, tenant, objectIds, true);
        Map<String, ObjectState> states = new HashMap<>();
        before.forEach((id, o) -> states.put(id, o.requireState()));
        Map<String, ContextAliases> aliases = new HashMap<>();
        before.forEach((id, o) -> aliases.put(id, o.aliases()));
        // An object without a row may have been purged: its grave is what a late op is judged against.
        Map<String, Graves.Grave> graves = Map.of();
        if (counters.purged() && before.size() < objectIds.size()) {
            Set<String> missing = new LinkedHashSet<>(objectIds);
            missing.removeAll(before.keySet());
            graves = Graves.byIds(h, sql, engine, tenant, missing);
            graves.forEach((id, g) -> {
                states.put(id, g.state());
                aliases.put(id, g.aliases());
            });
        }
        // Every op naming an alias is expanded before anything is merged, so that one naming an
        // alias its object does not have fails the push before any row is queued.
        Map<String, Op> expanded = new HashMap<>();
        for (Op op : ops) {
            if (!journaled.containsKey(op.opId()) && ContextAliases.namesAlias(op.clock())) {
                expanded.put(op.opId(), StoredAliases.expand(aliases.getOrDefault(op.objectId(), ContextAliases.none()), op));
            }
        }
        LinkedHashMap<String, ObjectState> changed = new LinkedHashMap<>();
        Writes writes = new Writes(h, sql, tenant, now);
        List<OpResult> results = new ArrayList<>(ops.size());
        String lastOpId = counters.headOpId();
        Set<String> applied = new HashSet<>();
        for (Op op : ops) {
            if (journaled.containsKey(op.opId()) || !applied.add(op.opId())) {
                results.add(new OpResult(op.opId(), Outcome.DUPLICATE));
                continue;
            }
            journalSeq++;
            lastOpId = op.opId();
            ApplyResult r = engine.apply(states.get(op.objectId()), expanded.getOrDefault(op.opId(), op));
            writes.journal(journalSeq, op);
            for (Conflict c : r.conflicts()) {
                tally.conflict(c.reason());
                writes.conflict(new ConflictRecord(journalSeq, c.objectId(), r.state().objectType(), c.winnerOpId(),
                        c.loserOpId(), c.reason(), now.toInstant(), c.metHeads()));
            }
            ObjectState state = r.state();
            if (r.outcome().changed() && state.headCount() > options.maxHeads()) {
                // Past the bound: the store's own op, right after this one in the journal, supersedes
                // every head with the policy's winner. Nothing leaves the journal.
                Op resolution = resolution(state, aliases, options.aliasThreshold(), writes, journalSeq + 1);
                journalSeq++;
                lastOpId = resolution.opId();
                writes.journal(journalSeq, resolution);
                LOG.warn("object \"{}\" of tenant \"{}\" reached {} heads (maxHeads {}); resolved them with op {}",
                        op.objectId(), tenant, state.headCount(), options.maxHeads(), resolution.opId());
                state = engine.apply(state, StoredAliases.expand(aliases.getOrDefault(op.objectId(), ContextAliases.none()),
                        resolution)).state();
            } else if (r.outcome() == Outcome.MERGED && state.headCount() == options.warnHeads() + 1) {
                LOG.warn("object \"{}\" of tenant \"{}\" has {} concurrent heads (warnHeads {}, maxHeads {})",
                        op.objectId(), tenant, state.headCount(), options.warnHeads(), options.maxHeads());
            }
            if (r.outcome().changed()) {
                states.put(op.objectId(), state);
                changed.remove(op.objectId());
                changed.put(op.objectId(), state);
            }
            results.add(new OpResult(op.opId(), r.outcome()));
        }

        // Graves of objects this push writes a row for again (the row replaces the grave).
        Graves.Batch reborn = new Graves.Batch();
        for (ObjectState state : changed.values()) {
            Rows.StoredObject old = before.get(state.objectId());
            ContextAliases a = aliases.getOrDefault(state.objectId(), ContextAliases.none());
            // The push that takes more than the threshold of the context's entries above the latest
            // alias records the next one, so that what clients are served stays short.
            var next = a.next(state.context(), options.aliasThreshold());
            if (next.isPresent()) {
                a = a.with(next.get());
                writes.alias(state.objectId(), a.latest(), journalSeq, next.get());
            }
            writes.object(state, a, old, ++changeSeq, false);
            if (graves.containsKey(state.objectId())) {
                reborn.delete(state.objectId());
            }
        }
        writes.flush();
        reborn.flush(h, sql, tenant);
        Counters after = counters;
        if (journalSeq != counters.journalSeq()) {
            after = counters.advanced(journalSeq, changeSeq, lastOpId);
            Tenants.update(h, sql, tenant, after);
        }
        return new PushResult(results, Cursors.encode(tenant, after, after.changeSeq()));
    }
}
