package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;

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
 * look up the batch's op ids in the journal, load the touched objects, then one batch per table.
 * Nothing is written before every op id has been checked for reuse.
 */
final class PushWork {
    private PushWork() {
    }

    static PushResult push(Handle h, Sql sql, MergeEngine engine, String tenant, List<Op> ops, OffsetDateTime now) {
        long[] counters = Tenants.lock(h, sql, tenant);
        long journalSeq = counters[0];
        long changeSeq = counters[1];

        Set<String> opIds = new LinkedHashSet<>();
        ops.forEach(op -> opIds.add(op.opId()));
        Map<String, Rows.JournalEntry> journaled = Rows.journalByOpIds(h, sql, tenant, opIds);

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

        Map<String, Rows.StoredObject> before = Rows.objectsByIds(h, sql, engine, tenant, objectIds);
        Map<String, ObjectState> states = new HashMap<>();
        before.forEach((id, o) -> states.put(id, o.state()));
        LinkedHashMap<String, ObjectState> changed = new LinkedHashMap<>();
        Writes writes = new Writes(h, sql, tenant, now);
        List<OpResult> results = new ArrayList<>(ops.size());
        Set<String> applied = new HashSet<>();
        for (Op op : ops) {
            if (journaled.containsKey(op.opId()) || !applied.add(op.opId())) {
                results.add(new OpResult(op.opId(), Outcome.DUPLICATE));
                continue;
            }
            journalSeq++;
            ApplyResult r = engine.apply(states.get(op.objectId()), op);
            writes.journal(journalSeq, op);
            for (Conflict c : r.conflicts()) {
                writes.conflict(new ConflictRecord(journalSeq, c.objectId(), r.state().objectType(), c.winnerOpId(),
                        c.loserOpId(), c.reason(), now.toInstant()));
            }
            if (r.outcome().changed()) {
                states.put(op.objectId(), r.state());
                changed.remove(op.objectId());
                changed.put(op.objectId(), r.state());
            }
            results.add(new OpResult(op.opId(), r.outcome()));
        }

        for (ObjectState state : changed.values()) {
            Rows.StoredObject old = before.get(state.objectId());
            writes.object(state, old == null ? null : old.state(), ++changeSeq, false);
        }
        writes.flush();
        if (journalSeq != counters[0]) {
            Tenants.update(h, sql, tenant, journalSeq, changeSeq);
        }
        return new PushResult(results, Cursors.encode(tenant, changeSeq));
    }
}
