package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;

import java.time.OffsetDateTime;
import java.util.List;

import static dev.syncmat.jdbi.RowBatch.bool;
import static dev.syncmat.jdbi.RowBatch.int4;
import static dev.syncmat.jdbi.RowBatch.int8;
import static dev.syncmat.jdbi.RowBatch.text;
import static dev.syncmat.jdbi.RowBatch.timestamp;

/**
 * Everything a push or a rebuild writes, queued and then sent in one round trip per kind of row
 * ({@link RowBatch}). Rows of objects whose winner's tags did not change leave
 * the tag table alone.
 */
final class Writes {
    private final Handle h;
    private final Sql sql;
    private final String tenant;
    private final OffsetDateTime now;

    private final RowBatch journal = new RowBatch("journal_insert", int8("journalSeq"), text("opId"), text("objectId"),
            text("objectType"), bool("isDelete"), text("clock"), text("payload"), text("tags"), text("clientTimestamp"),
            timestamp("receivedAt"));
    // Named apart from the journal's columns, so that both can go in one statement (writeJournalWithConflicts).
    private final RowBatch conflicts = new RowBatch("conflicts_insert", int8("conflictJournalSeq"), text("winnerOpId"),
            text("loserOpId"), text("conflictObjectId"), text("conflictObjectType"), text("reason"),
            timestamp("createdAt"), int4("metHeads"));
    private final RowBatch objectInserts = objectBatch("objects_insert");
    private final RowBatch objectUpdates;
    private final RowBatch tagDeletes = new RowBatch("tags_delete", text("objectId"));
    private final RowBatch tagInserts = new RowBatch("tags_insert", text("objectId"), text("tag"), int8("changeSeq"));
    private final RowBatch tagTouches = new RowBatch("tags_touch", text("objectId"), int8("changeSeq"));
    private final RowBatch scopeExits = new RowBatch("scope_exits_insert", text("scopeKind"), text("scopeValue"),
            int8("changeSeq"), text("objectId"));
    private final RowBatch conflictDeletes = new RowBatch("conflicts_delete_object", text("objectId"));
    private final RowBatch objectDeletes = new RowBatch("object_delete", text("objectId"));
    private final RowBatch aliases = new RowBatch("aliases_insert", text("objectId"), int8("aliasSeq"), int8("journalSeq"),
            text("clock"), timestamp("createdAt"));

    Writes(Handle h, Sql sql, String tenant, OffsetDateTime now) {
        this.h = h;
        this.sql = sql;
        this.tenant = tenant;
        this.now = now;
        // New objects are inserted; existing ones rewritten with the dialect's statement.
        this.objectUpdates = objectBatch("objects_update");
    }

    private static RowBatch objectBatch(String statement) {
        return new RowBatch(statement, text("objectId"), text("objectType"), text("payload"), bool("isTombstone"),
                text("clock"), text("context"), text("winnerOpId"), text("winnerTimestamp"), text("tags"),
                int4("headCount"), text("otherHeads"), int8("changeSeq"), timestamp("updatedAt"));
    }

    void journal(long journalSeq, Op op) {
        journal.add(journalSeq, op.opId(), op.objectId(), op.objectType(), op.isDelete(), op.clock().toJson(),
                op.payload() == null ? null : op.payload().json(), StoredForms.tagsJson(op.tags()),
                StoredForms.timestamp(op.timestamp()), now);
    }

    void conflict(ConflictRecord c) {
        conflicts.add(c.journalSeq(), c.winnerOpId(), c.loserOpId(), c.objectId(), c.objectType(), c.reason().code(),
                Rows.utc(c.createdAt()), c.metHeads());
    }

    /** Queues a new context alias of an object: number {@code k}, in its stored form. */
    void alias(String objectId, int k, long journalSeq, VectorClock stored) {
        aliases.add(objectId, (long) k, journalSeq, stored.toJson(), now);
    }

    /**
     * Queues the write of {@code state} (its context served compressed under {@code aliases}), replacing the row {@code stored} (null for a new object).
     * With {@code rewriteTags}, or when the stored row was unreadable, the object's tag rows are
     * replaced whatever they hold (a rebuild cannot trust them); otherwise only when the winner's
     * tags changed, and else moved to the new change sequence. When the row as clients saw it had a
     * type or tags the new state lacks, the exits are recorded for scoped pulls.
     */
    void object(ObjectState state, ContextAliases aliases, Rows.StoredObject stored, long changeSeq, boolean rewriteTags) {
        MaterializedObject before = stored == null ? null : stored.view();
        if (before != null) {
            scopeExits(state.objectId(), before.objectType(), before.tags(), state, changeSeq);
        }
        objectRow(state, aliases, stored, changeSeq, rewriteTags);
    }

    /**
     * Queues the scope exits of an object whose winner had {@code typeBefore} and {@code tagsBefore}
     * as clients could see it, and now is {@code state}'s, at change {@code changeSeq}.
     */
    void scopeExits(String objectId, String typeBefore, List<String> tagsBefore, ObjectState state, long changeSeq) {
        var w = state.winner();
        if (!typeBefore.equals(w.objectType())) {
            scopeExits.add("type", typeBefore, changeSeq, objectId);
        }
        for (String tag : tagsBefore) {
            if (!w.tags().contains(tag)) {
                scopeExits.add("tag", tag, changeSeq, objectId);
            }
        }
    }

    /**
     * Queues the row of {@code state} as {@link #object} does, without recording scope exits (the
     * caller has recorded them with {@link #scopeExits} for every state clients could have seen).
     * Returns the heads but the winner as queued.
     */
    StoredForms.OtherHeads objectRow(ObjectState state, ContextAliases aliases, Rows.StoredObject stored, long changeSeq,
                           boolean rewriteTags) {
        var w = state.winner();
        MaterializedObject before = stored == null ? null : stored.view();
        // A push copies the stored text of heads it keeps; a rebuild writes every head anew.
        List<StoredForms.StoredHead> storedHeads = stored == null || rewriteTags ? List.of() : stored.storedHeads();
        StoredForms.OtherHeads others = StoredForms.OtherHeads.of(state, storedHeads);
        rewriteTags |= stored != null && !stored.readable();
        (stored == null ? objectInserts : objectUpdates).add(state.objectId(), w.objectType(),
                w.payload() == null ? null : w.payload().json(), w.isDelete(), w.clock().toJson(), aliases.compress(state.context()).toJson(),
                w.opId(), StoredForms.timestamp(w.timestamp()), StoredForms.tagsJson(w.tags()), state.headCount(),
                others.json(), changeSeq, now);
        List<String> oldTags = before == null ? List.of() : before.tags();
        if (rewriteTags || !oldTags.equals(state.tags())) {
            if (rewriteTags || !oldTags.isEmpty()) {
                tagDeletes.add(state.objectId());
            }
            for (String tag : state.tags()) {
                tagInserts.add(state.objectId(), tag, changeSeq);
            }
        } else if (!oldTags.isEmpty()) {
            tagTouches.add(state.objectId(), changeSeq);
        }
        return others;
    }

    /** How many rows are queued in each batch: a point {@link #reset} can take the queues back to. */
    int[] mark() {
        List<RowBatch> all = all();
        int[] sizes = new int[all.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = all.get(i).size();
        }
        return sizes;
    }

    /** Forgets the rows queued since {@code mark} was taken (nothing was sent since). */
    void reset(int[] mark) {
        List<RowBatch> all = all();
        for (int i = 0; i < mark.length; i++) {
            all.get(i).truncate(mark[i]);
        }
    }

    /** Queues the removal of an object's conflict records. */
    void deleteConflicts(String objectId) {
        conflictDeletes.add(objectId);
    }

    /** Queues the removal of an object row with its tags and conflicts. */
    void deleteObject(String objectId) {
        objectDeletes.add(objectId);
        tagDeletes.add(objectId);
        conflictDeletes.add(objectId);
    }

    /**
     * Sends everything queued: the journal rows first (a push relies on it), deletes before inserts.
     * With no conflict records to delete (a push), the new ones go with the journal rows where the
     * dialect can write both in one round trip.
     */
    void flush() {
        boolean together = journal.size() > 0 && conflicts.size() > 0 && conflictDeletes.size() == 0
                && sql.dialect().writeJournalWithConflicts(journal, conflicts, h, sql, tenant);
        if (together) {
            journal.clear();
            conflicts.clear();
        }
        for (RowBatch b : all()) {
            b.execute(h, sql, tenant);
        }
    }

    // Every batch, in the order flush sends them.
    private List<RowBatch> all() {
        return List.of(journal, aliases, conflictDeletes, tagDeletes, objectDeletes, conflicts, objectUpdates, objectInserts,
                tagInserts, tagTouches, scopeExits);
    }
}
