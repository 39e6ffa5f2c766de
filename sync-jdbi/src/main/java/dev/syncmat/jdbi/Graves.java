package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.syncmat.jdbi.RowBatch.int8;
import static dev.syncmat.jdbi.RowBatch.text;
import static dev.syncmat.jdbi.RowBatch.timestamp;

/**
 * Graves: what purge leaves of a tombstone whose delete was its only head ({@code sync_graves}).
 * A grave holds that delete (no payload) and nothing else, and the object's context aliases stay
 * in {@code sync_aliases}, so the state restored from it equals the tombstone's state: a late op
 * is judged against it exactly as it would have been against the tombstone (stale when the delete
 * dominates it, merged beside the delete when concurrent, applied when it dominates the delete).
 * An op that changes the object writes its row to {@code sync_objects} again and removes the grave.
 */
final class Graves {
    private Graves() {
    }

    /** A grave read back: the object's state (its delete as the only head) and its aliases. */
    record Grave(String objectId, ObjectState state, ContextAliases aliases, long changeSeq) {
    }

    /** The graves of the given objects, by id (ids without one are absent). One round trip, two with aliases. */
    static Map<String, Grave> byIds(Handle h, Sql sql, MergeEngine engine, String tenant, Collection<String> objectIds) {
        Map<String, Grave> found = new HashMap<>();
        if (objectIds.isEmpty()) {
            return found;
        }
        record Raw(Op delete, long changeSeq) {
        }
        List<Raw> raw = sql.query(h, "graves_by_ids").bind("tenant", tenant).bindArray("keys", String.class, objectIds)
                .map((rs, ctx) -> new Raw(StoredForms.op(rs.getString("winner_op_id"), rs.getString("object_id"),
                        rs.getString("object_type"), true, rs.getString("vector_clock"), null, rs.getString("tags"),
                        rs.getString("winner_timestamp")), rs.getLong("change_seq")))
                .list();
        List<String> aliased = raw.stream().filter(r -> ContextAliases.namesAlias(r.delete().clock()))
                .map(r -> r.delete().objectId()).toList();
        Map<String, ContextAliases> aliases = StoredAliases.byObjects(h, sql, tenant, aliased);
        for (Raw r : raw) {
            String id = r.delete().objectId();
            ContextAliases a = aliases.getOrDefault(id, ContextAliases.none());
            ObjectState state = engine.restore(id, List.of(StoredAliases.expand(a, r.delete())));
            found.put(id, new Grave(id, state, a, r.changeSeq()));
        }
        return found;
    }

    /** Row batches for graves: inserted by purge, deleted when an op brings an object back. */
    static final class Batch {
        private final RowBatch inserts = new RowBatch("graves_insert", text("objectId"), text("objectType"),
                text("clock"), text("winnerOpId"), text("winnerTimestamp"), text("tags"), int8("changeSeq"),
                timestamp("purgedAt"));
        private final RowBatch deletes = new RowBatch("graves_delete", text("objectId"));

        /** Queues the grave of a tombstone row as stored: its delete's columns and change number. */
        void add(String objectId, String objectType, String clock, String winnerOpId, String winnerTimestamp,
                 String tags, long changeSeq, OffsetDateTime purgedAt) {
            inserts.add(objectId, objectType, clock, winnerOpId, winnerTimestamp, tags, changeSeq, purgedAt);
        }

        /** Queues the removal of an object's grave. */
        void delete(String objectId) {
            deletes.add(objectId);
        }

        boolean isEmpty() {
            return inserts.size() == 0 && deletes.size() == 0;
        }

        /** Sends the queued rows: a JDBC batch of one-row statements on every dialect (graves are few per call). */
        void flush(Handle h, Sql sql, String tenant) {
            for (RowBatch b : List.of(deletes, inserts)) {
                if (b.size() > 0) {
                    sql.dialect().writeRowWise(b, h, sql, tenant);
                    b.rows().clear();
                }
            }
        }
    }
}
