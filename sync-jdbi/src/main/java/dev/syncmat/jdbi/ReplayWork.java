package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A replay of one tenant's journal, inside one transaction the caller opened (a consistent
 * snapshot for verify; under the tenant's lock for rebuild, so pushes wait and the rebuild is
 * all or nothing).
 *
 * <p>The journal is read in pages ordered by (object, journal position). Objects do not affect
 * each other, so each object is replayed on its own, in journal order, and finished as soon as
 * its last entry is read: memory holds one page of entries, the object being replayed, and the
 * ids of differing objects, whatever the size of the journal.
 */
final class ReplayWork {
    private static final Comparator<ConflictRecord> CONFLICT_ORDER = Comparator.comparingLong(ConflictRecord::journalSeq)
            .thenComparing(ConflictRecord::winnerOpId, Utf8Order.COMPARATOR)
            .thenComparing(ConflictRecord::loserOpId, Utf8Order.COMPARATOR);

    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    private final Handle h;
    private final Sql sql;
    private final MergeEngine engine;
    private final int aliasThreshold;
    private final String tenant;
    private final ReplayOptions options;
    private final OffsetDateTime now;
    private final boolean rebuild;
    private final Set<String> changed = new TreeSet<>(Utf8Order.COMPARATOR);
    private final Set<String> conflictsChanged = new TreeSet<>(Utf8Order.COMPARATOR);
    private long journalOps;
    private long objects;
    private long conflicts;
    private long changeSeq;
    private long differing;
    // The last journal position before the tenant's retention horizon: conflict records up to it
    // were purged, so replay neither computes nor compares them.
    private long horizonJournalSeq;
    private boolean purged;
    // Every stored id up to here has been checked against the journal.
    private String checkedUpTo = "";

    /** The replay of one object in progress. */
    private static final class Replayed {
        final String objectId;
        final ContextAliases aliases;
        ObjectState state;
        long lastJournalSeq;
        final List<ConflictRecord> conflicts = new ArrayList<>();

        Replayed(String objectId, ContextAliases aliases) {
            this.objectId = objectId;
            this.aliases = aliases;
        }
    }

    ReplayWork(Handle h, Sql sql, MergeEngine engine, int aliasThreshold, String tenant, ReplayOptions options,
               OffsetDateTime now) {
        this.aliasThreshold = aliasThreshold;
        this.h = h;
        this.sql = sql;
        this.engine = engine;
        this.tenant = tenant;
        this.options = options;
        this.now = now;
        this.rebuild = options.mode() == ReplayMode.REBUILD;
    }

    ReplayReport run() {
        Counters counters = rebuild ? Tenants.lock(h, sql, tenant) : Tenants.head(h, sql, tenant);
        String policyId = engine.policy().id();
        if (!options.switchPolicy()) {
            Tenants.requirePolicy(tenant, counters, policyId, "this " + options.mode().wireName());
        }
        LOG.info("{} of tenant \"{}\" with policy {} started", options.mode().wireName(), tenant, policyId);
        changeSeq = counters.changeSeq();
        horizonJournalSeq = counters.horizonJournalSeq();
        purged = counters.purged();
        String afterObject = "";
        long afterSeq = 0;
        Replayed current = null;
        while (true) {
            List<Rows.JournalEntry> page = sql.query(h, "replay_page").bind("tenant", tenant)
                    .bind("afterObject", afterObject).bind("afterSeq", afterSeq).bind("limit", options.pageSize())
                    .map((rs, ctx) -> Rows.journalEntry(rs)).list();
            List<Replayed> finished = new ArrayList<>();
            // The aliases of the page's objects (those of the object carried over are known).
            Set<String> pageIds = new LinkedHashSet<>();
            page.forEach(e -> pageIds.add(e.op().objectId()));
            if (current != null) {
                pageIds.remove(current.objectId);
            }
            Map<String, ContextAliases> aliases = StoredAliases.byObjects(h, sql, tenant, pageIds);
            for (Rows.JournalEntry entry : page) {
                journalOps++;
                String objectId = entry.op().objectId();
                if (current == null || !current.objectId.equals(objectId)) {
                    if (current != null) {
                        finished.add(current);
                    }
                    current = new Replayed(objectId, aliases.getOrDefault(objectId, ContextAliases.none()));
                }
                ApplyResult r = engine.apply(current.state, StoredAliases.expand(current.aliases, entry.op()));
                current.state = r.state();
                current.lastJournalSeq = entry.journalSeq();
                for (Conflict c : entry.journalSeq() > horizonJournalSeq ? r.conflicts() : List.<Conflict>of()) {
                    current.conflicts.add(new ConflictRecord(entry.journalSeq(), objectId, r.state().objectType(),
                            c.winnerOpId(), c.loserOpId(), c.reason(), entry.receivedAt(), c.metHeads()));
                }
            }
            boolean last = page.size() < options.pageSize();
            if (last && current != null) {
                finished.add(current);
                current = null;
            }
            finish(finished);
            if (!page.isEmpty()) {
                Rows.JournalEntry tail = page.get(page.size() - 1);
                afterObject = tail.op().objectId();
                afterSeq = tail.journalSeq();
            }
            options.progress().accept(new ReplayProgress(journalOps, objects, differing));
            if (last) {
                break;
            }
        }
        removeOrphans(checkedUpTo, null, Set.of());
        if (rebuild && changeSeq != counters.changeSeq()) {
            Tenants.update(h, sql, tenant, counters.withChangeSeq(changeSeq));
        }
        if (rebuild && !policyId.equals(counters.policyId())) {
            // In the rebuild's transaction: the state and the policy it was merged with commit together.
            Tenants.recordPolicy(h, sql, tenant, policyId);
            if (counters.policyId() != null) {
                LOG.warn("tenant \"{}\" switched from merge policy {} to {}", tenant, counters.policyId(), policyId);
            }
        }
        LOG.info("{} of tenant \"{}\" finished: {} journal entries, {} objects, {} differing", options.mode().wireName(),
                tenant, journalOps, objects, differing);
        return new ReplayReport(options.mode(), engine.policy().id(), journalOps, objects, new ArrayList<>(changed),
                new ArrayList<>(conflictsChanged), conflicts);
    }

    private void finish(List<Replayed> finished) {
        if (finished.isEmpty()) {
            return;
        }
        Set<String> ids = new LinkedHashSet<>();
        finished.forEach(r -> ids.add(r.objectId));
        Map<String, Rows.StoredObject> stored = Rows.objectsByIds(h, sql, engine, tenant, ids, false, HeadsCache.OFF);
        Map<String, List<ConflictRecord>> storedConflicts = Rows.conflictsByObjects(h, sql, tenant, ids);
        Map<String, Set<String>> storedTags = Rows.tagsByObjects(h, sql, tenant, ids);
        // A purged tombstone has a grave instead of a row: it is consistent when the grave's state is
        // the replayed one, and a rebuild brings the row back only when it is not.
        Map<String, Graves.Grave> graves = Map.of();
        if (purged && stored.size() < ids.size()) {
            Set<String> missing = new LinkedHashSet<>(ids);
            missing.removeAll(stored.keySet());
            graves = Graves.byIds(h, sql, engine, tenant, missing);
        }
        Graves.Batch reborn = new Graves.Batch();
        Writes writes = rebuild ? new Writes(h, sql, tenant, now) : null;
        for (Replayed r : finished) {
            objects++;
            conflicts += r.conflicts.size();
            Rows.StoredObject s = stored.get(r.objectId);
            ContextAliases aliases = r.aliases;
            var next = rebuild ? aliases.next(r.state.context(), aliasThreshold) : java.util.Optional.<VectorClock>empty();
            if (next.isPresent()) {
                // An object over the threshold without an alias (written before aliases existed):
                // the rebuild records its alias, as a push would have.
                aliases = aliases.with(next.get());
                writes.alias(r.objectId, aliases.latest(), journalSeqOf(r), next.get());
            }
            Graves.Grave grave = s == null ? graves.get(r.objectId) : null;
            boolean objectDiffers = grave != null ? !grave.state().equals(r.state) : s == null || !s.readable()
                    || !s.view().equals(StoredAliases.served(r.state, aliases))
                    || !new HashSet<>(s.state().heads()).equals(new HashSet<>(r.state.heads()))
                    || !storedTags.getOrDefault(r.objectId, Set.of()).equals(new HashSet<>(r.state.tags()));
            List<ConflictRecord> before = new ArrayList<>(storedConflicts.getOrDefault(r.objectId, List.of()));
            before.removeIf(c -> c.journalSeq() <= horizonJournalSeq);
            before.sort(CONFLICT_ORDER);
            r.conflicts.sort(CONFLICT_ORDER);
            boolean conflictsDiffer = !before.equals(r.conflicts);
            if (objectDiffers || conflictsDiffer) {
                differing++;
            }
            if (objectDiffers) {
                changed.add(r.objectId);
                if (rebuild) {
                    writes.object(r.state, aliases, s, ++changeSeq, true);
                    if (grave != null) {
                        reborn.delete(r.objectId);
                    }
                }
            }
            if (conflictsDiffer) {
                conflictsChanged.add(r.objectId);
                if (rebuild) {
                    writes.deleteConflicts(r.objectId);
                    r.conflicts.forEach(writes::conflict);
                }
            }
        }
        if (rebuild) {
            writes.flush();
            reborn.flush(h, sql, tenant);
        }
        String upTo = finished.get(finished.size() - 1).objectId;
        removeOrphans(checkedUpTo, upTo, ids);
        checkedUpTo = upTo;
    }

    // Where a rebuild records an alias: the journal position of the object's last entry.
    private static long journalSeqOf(Replayed r) {
        return r.lastJournalSeq;
    }

    /**
     * Rows of objects and conflicts with ids in (after, upTo] (upTo null: no bound) that are not
     * in {@code journaled}: no journal entry explains them. They are reported, and deleted by a
     * rebuild (with their tags and conflicts). The journal is read in the same id order, so
     * checking each page's range finds every such row exactly once.
     */
    private void removeOrphans(String after, String upTo, Set<String> journaled) {
        Writes writes = new Writes(h, sql, tenant, now);
        for (String id : idsInRange("object_ids_in_range", after, upTo, journaled)) {
            changed.add(id);
            differing++;
            writes.deleteObject(id);
        }
        for (String id : idsInRange("conflict_object_ids_in_range", after, upTo, journaled)) {
            if (conflictsChanged.add(id) && !changed.contains(id)) {
                differing++;
            }
            writes.deleteConflicts(id);
        }
        if (rebuild) {
            writes.flush();
        }
    }

    private List<String> idsInRange(String statement, String after, String upTo, Set<String> journaled) {
        List<String> orphans = new ArrayList<>();
        String text = sql.compose(statement, Map.of("upTo", upTo == null ? List.of() : List.of("range_up_to")));
        String from = after;
        while (true) {
            var q = sql.queryText(h, text).bind("tenant", tenant).bind("after", from).bind("limit", options.pageSize());
            if (upTo != null) {
                q.bind("upTo", upTo);
            }
            List<String> ids = q.map((rs, ctx) -> rs.getString("object_id")).list();
            for (String id : ids) {
                if (!journaled.contains(id)) {
                    orphans.add(id);
                }
            }
            if (ids.size() < options.pageSize()) {
                return orphans;
            }
            from = ids.get(ids.size() - 1);
        }
    }
}
