package dev.syncmat.jdbi;

import dev.syncmat.core.merge.MaterializedObject;
import org.jdbi.v3.core.Handle;

import java.util.Optional;

/** Reads of single objects. */
final class ObjectReads {
    private ObjectReads() {
    }

    /** The object's current state as clients see it, if it has any op. */
    static Optional<MaterializedObject> find(Handle h, Sql sql, String tenant, String objectId) {
        return sql.query(h, "object_by_id").bind("tenant", tenant).bind("objectId", objectId)
                .map((rs, ctx) -> Rows.materialized(rs)).findOne();
    }
}
