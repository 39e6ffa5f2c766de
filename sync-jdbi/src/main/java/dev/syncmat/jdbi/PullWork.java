package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.merge.MaterializedObject;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of a pull. The tenant's head H is read first; then the objects with a change sequence
 * in (cursor, H] are read in order. Every sequence number up to H belongs to a committed change
 * (numbers are handed out under the tenant's row lock and become visible with the counter), so a
 * client that resumes from the returned cursor cannot miss a change.
 */
final class PullWork {
    private PullWork() {
    }

    /** A pulled object and its change sequence. */
    private record Row(MaterializedObject object, long changeSeq) {
    }

    static PullResponse pull(Handle h, Sql sql, String tenant, long since, Scope scope, int limit) {
        long head = Tenants.head(h, sql, tenant)[1];
        if (since > head) {
            throw new InvalidCursorException(InvalidCursorException.Problem.AHEAD_OF_HEAD,
                    "sinceCursor points to change " + since + ", but the tenant's latest change is " + head);
        }
        if (since == head) {
            return new PullResponse(List.of(), Cursors.encode(tenant, head), false);
        }
        StringBuilder filters = new StringBuilder();
        if (!scope.types().isEmpty()) {
            filters.append(sql.text("pull_scope_types"));
        }
        if (!scope.ids().isEmpty()) {
            filters.append(sql.text("pull_scope_ids"));
        }
        if (!scope.tags().isEmpty()) {
            filters.append(sql.text("pull_scope_tags"));
        }
        Query q = sql.queryText(h, sql.text("pull").replace("/*scope*/", filters.toString().strip()))
                .bind("tenant", tenant).bind("since", since).bind("head", head).bind("limit", limit + 1);
        if (!scope.types().isEmpty()) {
            q.bindArray("types", String.class, scope.types());
        }
        if (!scope.ids().isEmpty()) {
            q.bindArray("ids", String.class, scope.ids());
        }
        if (!scope.tags().isEmpty()) {
            q.bindArray("tags", String.class, scope.tags());
        }
        List<Row> rows = q.map((rs, ctx) -> new Row(Rows.materialized(rs), rs.getLong("change_seq"))).list();
        boolean hasMore = rows.size() > limit;
        List<MaterializedObject> objects = new ArrayList<>(Math.min(rows.size(), limit));
        for (int i = 0; i < rows.size() && i < limit; i++) {
            objects.add(rows.get(i).object());
        }
        long cursor = hasMore ? rows.get(limit - 1).changeSeq() : head;
        return new PullResponse(objects, Cursors.encode(tenant, cursor), hasMore);
    }
}
