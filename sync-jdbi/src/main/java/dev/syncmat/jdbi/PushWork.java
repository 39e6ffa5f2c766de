package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.SyncException;
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
 * Pushes inside a transaction the caller opened: one request, or a group of requests of one tenant
 * that share the transaction (group commit, {@link GroupCommit}). Round trips for the whole group:
 * lock the tenant's counter row, load the touched objects, then one write per table (as the
 * dialect writes batches). Re-sent and reused op ids are found before anything stays written:
 * where the dialect pushes optimistically (PostgreSQL) the journal rows are written behind a
 * savepoint and, when the unique index reports a known op id or a request is refused, the group
 * rolls back to it and looks the op ids up; elsewhere (H2, Citus) it looks them up first. Either way a rejected request leaves
 * nothing behind, and the work is O(ops of the group), whatever the journal's size.
 *
 * <p>The requests of a group are merged in memory one after the other, in the order given, each
 * against the state the ones before it left, exactly as if each were pushed alone after the ones
 * before it committed: its journal positions, change numbers, aliases, resolution ops, conflict
 * records and scope exits are the ones that push would write. A request the input checks refuse
 * ({@link InvalidInputException}, an op id reused with other content, an alias its object lacks)
 * or that meets an unreadable row ({@link CorruptRowException}) fails alone: its queued rows are
 * dropped and the next request sees the state as if it had never been sent. Object rows are
 * written once per group, with each object's state after the last request that changed it.
 */
final class PushWork {
    private PushWork() {
    }

    private static final String OPTIMISTIC = "sync_push_new_ops";
    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    /**
     * What one request of a group came to: its result, or the failure that refused it alone (then
     * nothing of it is written).
     */
    record Member(PushResult result, SyncException failure) {
        boolean failed() {
            return failure != null;
        }
    }

    /**
     * One push: a group of one request. Tells {@code tally} its wait for the tenant's lock and the
     * conflict records it writes.
     *
     * @throws SyncException the failure that refused it (nothing of it written, though the counter
     *                       row may have been created or locked: the caller's transaction decides)
     */
    static PushResult push(Handle h, Sql sql, MergeEngine engine, StoreOptions options, HeadsCache cache, String tenant,
                           List<Op> ops, OffsetDateTime now, PushTally tally) {
        Member m = group(h, sql, engine, options, cache, tenant, List.of(ops), List.of(tally), now).get(0);
        if (m.failed()) {
            throw m.failure();
        }
        return m.result();
    }

    /**
     * Pushes {@code requests} in this order, in the caller's transaction, and returns one member per
     * request, in the same order. A database failure is thrown and fails them all. Each request's
     * tally ({@code tallies}, in the same order) is told the group's wait for the tenant's lock and
     * the conflict records that request writes.
     *
     * @throws PolicyMismatchException when the tenant's recorded policy is not the engine's
     */
    static List<Member> group(Handle h, Sql sql, MergeEngine engine, StoreOptions options, HeadsCache cache, String tenant,
                              List<List<Op>> requests, List<PushTally> tallies, OffsetDateTime now) {
        long lockStart = System.nanoTime();
        Counters counters = Tenants.lock(h, sql, tenant);
        long lockWait = System.nanoTime() - lockStart;
        tallies.forEach(t -> t.lockWaited(lockWait));
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
            // A request refused here is run again on that path too: the op ids it would have journaled
            // were never written, so only the lookup can tell whether one was reused, which is the
            // error it must get (the op id checks come first), alone or in any group.
            h.savepoint(OPTIMISTIC);
            try {
                List<Member> members = new Group(h, sql, engine, options, cache, tenant, now, counters, Map.of()).run(requests, tallies);
                if (members.stream().noneMatch(Member::failed)) {
                    h.releaseSavepoint(OPTIMISTIC);
                    return members;
                }
                h.rollbackToSavepoint(OPTIMISTIC);
                LOG.debug("push for tenant \"{}\" has a refused request; looking its op ids up", tenant);
            } catch (JdbiException e) {
                SQLException cause = StoreException.findSqlException(e);
                if (cause == null || !sql.dialect().isOpIdCollision(cause)) {
                    throw e;
                }
                h.rollbackToSavepoint(OPTIMISTIC);
                LOG.debug("push for tenant \"{}\" carries op ids already journaled; looking its op ids up", tenant);
            }
        }
        Set<String> opIds = new LinkedHashSet<>();
        requests.forEach(ops -> ops.forEach(op -> opIds.add(op.opId())));
        return new Group(h, sql, engine, options, cache, tenant, now, counters, Rows.journalByOpIds(h, sql, tenant, opIds))
                .run(requests, tallies);
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

    /** What clients could have seen of an object: its winner's type and tags. */
    private record Seen(String objectType, List<String> tags) {
        static Seen of(ObjectState state) {
            return new Seen(state.objectType(), state.tags());
        }
    }

    /** An object a request changed: its state and aliases after it, at change number {@code changeSeq}. */
    private record Change(ObjectState state, ContextAliases aliases, long changeSeq) {
    }

    /**
     * The group's transaction after the lock: the rows of the objects it touches, read once, and
     * what the requests merged so far did to them. A request works on overlays of these maps and
     * folds them in only when it succeeds.
     */
    private static final class Group {
        private final Handle h;
        private final Sql sql;
        private final MergeEngine engine;
        private final StoreOptions options;
        private final HeadsCache cache;
        private final String tenant;
        private final OffsetDateTime now;
        private final Counters locked;
        private final Map<String, Rows.JournalEntry> journaled;
        private final Writes writes;

        private Counters counters;
        private Map<String, Rows.StoredObject> before = Map.of();
        private Map<String, Graves.Grave> graves = Map.of();
        /** Op ids journaled by the requests merged so far, with their ops. */
        private final Map<String, Op> written = new HashMap<>();
        /** Objects the requests merged so far changed, in the order they first did. */
        private final LinkedHashMap<String, Change> changes = new LinkedHashMap<>();

        Group(Handle h, Sql sql, MergeEngine engine, StoreOptions options, HeadsCache cache, String tenant,
              OffsetDateTime now, Counters counters, Map<String, Rows.JournalEntry> journaled) {
            this.h = h;
            this.sql = sql;
            this.engine = engine;
            this.options = options;
            this.cache = cache;
            this.tenant = tenant;
            this.now = now;
            this.locked = counters;
            this.counters = counters;
            this.journaled = journaled;
            this.writes = new Writes(h, sql, tenant, now);
        }

        List<Member> run(List<List<Op>> requests, List<PushTally> tallies) {
            Set<String> objectIds = new LinkedHashSet<>();
            for (List<Op> ops : requests) {
                for (Op op : ops) {
                    if (!journaled.containsKey(op.opId())) {
                        objectIds.add(op.objectId());
                    }
                }
            }
            before = Rows.objectsByIds(h, sql, engine, tenant, objectIds, true, cache);
            // An object without a row may have been purged: its grave is what a late op is judged against.
            if (counters.purged() && before.size() < objectIds.size()) {
                Set<String> missing = new LinkedHashSet<>(objectIds);
                missing.removeAll(before.keySet());
                graves = Graves.byIds(h, sql, engine, tenant, missing);
            }
            List<Member> members = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                int[] mark = writes.mark();
                // A run after a rollback to the savepoint counts afresh: only what is written counts.
                PushTally tally = tallies.get(i);
                tally.restart();
                try {
                    members.add(new Member(new Request(tally).apply(requests.get(i)), null));
                } catch (InvalidInputException | CorruptRowException e) {
                    writes.reset(mark);
                    tally.restart();
                    members.add(new Member(null, e));
                }
            }
            flush();
            return members;
        }

        /** The object rows, once each with its last state, then every queued row, then the counters. */
        private void flush() {
            Graves.Batch reborn = new Graves.Batch();
            changes.forEach((id, c) -> {
                Rows.StoredObject stored = before.get(id);
                StoredForms.OtherHeads written = writes.objectRow(c.state(), c.aliases(), stored, c.changeSeq(), false);
                // The next push beside these heads finds them parsed, if the database then holds what this wrote.
                cache.wrote(tenant, id, c.state().headsByRank(), written, stored == null ? List.of() : stored.storedHeads(),
                        c.aliases());
                // The row replaces the grave of an object that was purged.
                if (graves.containsKey(id)) {
                    reborn.delete(id);
                }
            });
            writes.flush();
            reborn.flush(h, sql, tenant);
            if (counters.journalSeq() != locked.journalSeq()) {
                Tenants.update(h, sql, tenant, counters);
                // All requests of the transaction are written; live pulls hear of them once it commits.
                sql.dialect().announce(h, sql, tenant);
            }
        }

        /** One request on overlays of the group's state; {@link #apply} folds them in when it succeeds. */
        private final class Request {
            private final Map<String, ObjectState> states = new HashMap<>();
            private final Map<String, ContextAliases> aliases = new HashMap<>();
            private final Map<String, Op> ownOps = new HashMap<>();
            private final PushTally tally;

            Request(PushTally tally) {
                this.tally = tally;
            }

            /** The op journaled before this request under {@code opId}, or null. */
            private Op known(String opId) {
                Rows.JournalEntry stored = journaled.get(opId);
                return stored != null ? stored.op() : written.get(opId);
            }

            /** The object's state before this request: as an earlier request left it, its row's, its grave's, or null. */
            private ObjectState stateBefore(String objectId) {
                Change c = changes.get(objectId);
                if (c != null) {
                    return c.state();
                }
                Rows.StoredObject o = before.get(objectId);
                if (o != null) {
                    return o.requireState();
                }
                Graves.Grave g = graves.get(objectId);
                return g == null ? null : g.state();
            }

            private ContextAliases aliasesBefore(String objectId) {
                Change c = changes.get(objectId);
                if (c != null) {
                    return c.aliases();
                }
                Rows.StoredObject o = before.get(objectId);
                if (o != null) {
                    return o.aliases();
                }
                Graves.Grave g = graves.get(objectId);
                return g == null ? ContextAliases.none() : g.aliases();
            }

            /** What clients could have seen of the object before this request (null: nothing). */
            private Seen seenBefore(String objectId) {
                Change c = changes.get(objectId);
                if (c != null) {
                    return Seen.of(c.state());
                }
                Rows.StoredObject o = before.get(objectId);
                return o == null || o.view() == null ? null : new Seen(o.view().objectType(), o.view().tags());
            }

            /** Merges and queues the request's rows, as a push of it alone would, and folds its state into the group's. */
            PushResult apply(List<Op> ops) {
                long journalSeq = counters.journalSeq();
                long changeSeq = counters.changeSeq();
                Map<String, Op> firstInBatch = new HashMap<>();
                Set<String> objectIds = new LinkedHashSet<>();
                Set<String> seenOpIds = new HashSet<>();
                for (Op op : ops) {
                    Op stored = known(op.opId());
                    Op previous = stored != null ? stored : firstInBatch.putIfAbsent(op.opId(), op);
                    if (previous != null && !previous.equals(op)) {
                        throw new OpIdReusedException(op.opId());
                    }
                    if (stored == null) {
                        objectIds.add(op.objectId());
                    } else {
                        seenOpIds.add(op.opId());
                    }
                }
                for (String id : objectIds) {
                    ObjectState s = stateBefore(id);
                    if (s != null) {
                        states.put(id, s);
                    }
                    aliases.put(id, aliasesBefore(id));
                }
                // Every op naming an alias is expanded before anything is merged, so that one naming an
                // alias its object does not have fails the push before any row is queued.
                Map<String, Op> expanded = new HashMap<>();
                for (Op op : ops) {
                    if (!seenOpIds.contains(op.opId()) && ContextAliases.namesAlias(op.clock())) {
                        expanded.put(op.opId(), StoredAliases.expand(aliases.getOrDefault(op.objectId(), ContextAliases.none()), op));
                    }
                }
                LinkedHashMap<String, ObjectState> changed = new LinkedHashMap<>();
                List<OpResult> results = new ArrayList<>(ops.size());
                String lastOpId = counters.headOpId();
                for (Op op : ops) {
                    if (seenOpIds.contains(op.opId()) || ownOps.putIfAbsent(op.opId(), op) != null) {
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

                Map<String, Change> mine = new LinkedHashMap<>();
                for (ObjectState state : changed.values()) {
                    String id = state.objectId();
                    ContextAliases a = aliases.getOrDefault(id, ContextAliases.none());
                    // The push that takes more than the threshold of the context's entries above the latest
                    // alias records the next one, so that what clients are served stays short.
                    var next = a.next(state.context(), options.aliasThreshold());
                    if (next.isPresent()) {
                        a = a.with(next.get());
                        writes.alias(id, a.latest(), journalSeq, next.get());
                    }
                    changeSeq++;
                    // Scope exits against the state as clients could see it before this request: the stored
                    // row, or the state an earlier request of the group committed with.
                    Seen seen = seenBefore(id);
                    if (seen != null) {
                        writes.scopeExits(id, seen.objectType(), seen.tags(), state, changeSeq);
                    }
                    mine.put(id, new Change(state, a, changeSeq));
                }
                // Succeeded: fold the request into the group.
                mine.forEach(changes::put);
                ownOps.forEach(written::put);
                if (journalSeq != counters.journalSeq()) {
                    counters = counters.advanced(journalSeq, changeSeq, lastOpId);
                }
                return new PushResult(results, Cursors.encode(tenant, counters, counters.changeSeq()));
            }
        }
    }
}
