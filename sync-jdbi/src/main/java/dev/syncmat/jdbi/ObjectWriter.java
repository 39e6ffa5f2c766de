package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ObjectState;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Writes changed objects and their tag rows in JDBC batches: one round trip per statement kind,
 * however many objects changed. Tag rows are only rewritten when the winner's tags changed.
 */
final class ObjectWriter {
    private final PreparedBatch inserts;
    private final PreparedBatch updates;
    private final PreparedBatch tagDeletes;
    private final PreparedBatch tagInserts;
    private final String tenant;
    private final OffsetDateTime now;

    ObjectWriter(Handle h, Sql sql, String tenant, OffsetDateTime now) {
        this.inserts = sql.batch(h, "objects_insert");
        this.updates = sql.batch(h, "objects_update");
        this.tagDeletes = sql.batch(h, "tags_delete");
        this.tagInserts = sql.batch(h, "tags_insert");
        this.tenant = tenant;
        this.now = now;
    }

    /** Queues the write of {@code state}, which replaces {@code before} (null for a new object). */
    void write(ObjectState state, ObjectState before, long changeSeq) {
        write(state, before, changeSeq, false);
    }

    /**
     * Queues the write of {@code state}. With {@code rewriteTags} the object's tag rows are
     * replaced whatever they hold (a rebuild cannot trust them); otherwise only when the winner's
     * tags changed.
     */
    void write(ObjectState state, ObjectState before, long changeSeq, boolean rewriteTags) {
        Rows.bindObject(before == null ? inserts : updates, tenant, state, changeSeq, now);
        List<String> oldTags = before == null ? List.of() : before.tags();
        if (rewriteTags || !oldTags.equals(state.tags())) {
            if (rewriteTags || !oldTags.isEmpty()) {
                tagDeletes.bind("tenant", tenant).bind("objectId", state.objectId()).add();
            }
            for (String tag : state.tags()) {
                tagInserts.bind("tenant", tenant).bind("objectId", state.objectId()).bind("tag", tag).add();
            }
        }
    }

    /** Sends the queued writes. */
    void flush() {
        for (PreparedBatch b : List.of(tagDeletes, updates, inserts, tagInserts)) {
            if (b.size() > 0) {
                b.execute();
            }
        }
    }
}
