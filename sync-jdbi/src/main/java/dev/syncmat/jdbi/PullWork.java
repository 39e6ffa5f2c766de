package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.protocol.PullSink;
import dev.syncmat.core.protocol.Scope;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One page of a pull, inside a transaction that reads one snapshot. The tenant's head H is read
 * first; every sequence number up to H belongs to a committed change (numbers are handed out under
 * the tenant's row lock and become visible with the counter), so a client that resumes from the
 * returned cursor cannot miss a change.
 *
 * <p>The page is bounded by count and by bytes: the change sequences and stored sizes of the
 * objects changed in (cursor, H] are read first, the page is cut from them (an object larger than
 * the byte budget comes alone in its page), and its objects are then read in chunks of about
 * {@link #CHUNK_BYTES} and handed to the sink one by one. Memory is O(one chunk or one object),
 * whatever the tenant or the page holds.
 */
final class PullWork {
    /** About how many stored bytes of objects are read per round trip. */
    static final long CHUNK_BYTES = 1024 * 1024;

    private PullWork() {
    }

    /** An object of the page: its change sequence and stored size. */
    private record Key(long changeSeq, long bytes) {
    }

    static Void pull(Handle h, Sql sql, String tenant, long since, Scope scope, int limit, long maxPageBytes, PullSink sink) {
        long head = Tenants.head(h, sql, tenant).changeSeq();
        if (since > head) {
            throw new InvalidCursorException(InvalidCursorException.Problem.AHEAD_OF_HEAD,
                    "sinceCursor points to change " + since + ", but the tenant's latest change is " + head);
        }
        if (since == head) {
            sink.end(Cursors.encode(tenant, head), false);
            return null;
        }
        List<Key> keys = scoped(sql.queryText(h, sql.compose("pull_keys", scopeFilters(scope))), scope)
                .bind("tenant", tenant).bind("since", since).bind("head", head).bind("limit", limit + 1)
                .map((rs, ctx) -> new Key(rs.getLong("change_seq"), rs.getLong("stored_bytes"))).list();
        int n = 0;
        long bytes = 0;
        while (n < keys.size() && n < limit && (n == 0 || bytes + keys.get(n).bytes() <= maxPageBytes)) {
            bytes += keys.get(n).bytes();
            n++;
        }
        boolean hasMore = n < keys.size();
        String rowsSql = sql.compose("pull", scopeFilters(scope));
        long after = since;
        for (int from = 0; from < n; ) {
            int to = from;
            long chunk = keys.get(to).bytes();
            while (to + 1 < n && chunk + keys.get(to + 1).bytes() <= CHUNK_BYTES) {
                to++;
                chunk += keys.get(to).bytes();
            }
            long upTo = keys.get(to).changeSeq();
            scoped(sql.queryText(h, rowsSql), scope).bind("tenant", tenant).bind("since", after).bind("head", upTo)
                    .bind("limit", to - from + 1)
                    .map((rs, ctx) -> Rows.materialized(rs)).forEach(sink::object);
            after = upTo;
            from = to + 1;
        }
        sink.end(Cursors.encode(tenant, hasMore ? keys.get(n - 1).changeSeq() : head), hasMore);
        return null;
    }

    private static Map<String, List<String>> scopeFilters(Scope scope) {
        List<String> filters = new ArrayList<>();
        if (!scope.types().isEmpty()) {
            filters.add("pull_scope_types");
        }
        if (!scope.ids().isEmpty()) {
            filters.add("pull_scope_ids");
        }
        if (!scope.tags().isEmpty()) {
            filters.add("pull_scope_tags");
        }
        return Map.of("scope", filters);
    }

    private static Query scoped(Query q, Scope scope) {
        if (!scope.types().isEmpty()) {
            q.bindArray("types", String.class, scope.types());
        }
        if (!scope.ids().isEmpty()) {
            q.bindArray("ids", String.class, scope.ids());
        }
        if (!scope.tags().isEmpty()) {
            q.bindArray("tags", String.class, scope.tags());
        }
        return q;
    }
}
