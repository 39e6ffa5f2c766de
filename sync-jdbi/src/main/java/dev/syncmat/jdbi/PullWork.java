package dev.syncmat.jdbi;

import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.CompetingHead;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullSink;
import dev.syncmat.core.protocol.Scope;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One page of a pull, inside a transaction that reads one snapshot. The tenant's counter row is
 * read first: the cursor is checked against its history ({@link Cursors#check}), and every sequence
 * number up to its head H belongs to a committed change (numbers are handed out under the tenant's
 * row lock and become visible with the counter), so a client that resumes from the returned cursor
 * cannot miss a change.
 *
 * <p>An unscoped page is the objects changed in (cursor, H] in change order. A scoped page starts
 * from its scope's own indexes: the ids, else the tags, else the types, each with the record of
 * objects that left a tag or type ({@code sync_scope_exits}). Every candidate is then judged by its
 * current row: an object that matches the whole scope now is an object of the page, one that does
 * not is a removal (its client drops it; a removal for an object the client never had is harmless).
 * A scoped page therefore costs O(its scope's index entries since the cursor, up to the page),
 * never O(tenant).
 *
 * <p>Pages are bounded by count and by bytes: the page is cut from the candidates' change
 * sequences and stored sizes, and its objects are then read in chunks of about {@link #CHUNK_BYTES}
 * and handed to the sink one by one (an object larger than the byte budget comes alone). With
 * {@code includeHeads} the other heads' payloads, read one object at a time as it is served, count
 * toward the budget too: the page ends after the object that passes it. Memory is O(one chunk or
 * one object), whatever the tenant or the page holds.
 */
final class PullWork {
    /** About how many stored bytes of objects are read per round trip. */
    static final long CHUNK_BYTES = 1024 * 1024;

    private PullWork() {
    }

    /** An entry of the page: an object (to read and hand over) or a removal. */
    private record Entry(String objectId, long changeSeq, long bytes, boolean removal) {
    }

    /** What a scoped pull needs of a candidate's current row. */
    private record Info(String objectType, List<String> tags, long changeSeq, long bytes) {
    }

    static Void pull(Handle h, Sql sql, String tenant, PullRequest request, int limit, long maxPageBytes, PullSink sink) {
        Counters head = Tenants.head(h, sql, tenant);
        long since = Cursors.check(h, sql, tenant, request.sinceCursor(), Cursors.decode(request.sinceCursor(), tenant), head);
        if (since == head.changeSeq()) {
            sink.end(Cursors.encode(tenant, head, since), false);
            return null;
        }
        Scope scope = request.scope();
        List<Entry> entries = new ArrayList<>();
        boolean hasMore;
        long cursor;
        if (scope.isAll()) {
            List<Entry> keys = sql.query(h, "pull_keys").bind("tenant", tenant).bind("since", since)
                    .bind("head", head.changeSeq()).bind("limit", limit + 1)
                    .map((rs, ctx) -> new Entry(null, rs.getLong("change_seq"), bytes(rs, request), false)).list();
            hasMore = cut(keys, limit, maxPageBytes, entries);
            cursor = hasMore ? entries.get(entries.size() - 1).changeSeq() : head.changeSeq();
            int served = readRange(h, sql, tenant, since, entries, request.includeHeads(), new Budget(maxPageBytes), sink);
            if (served < entries.size()) {
                // The other heads' payloads filled the page: it ends at the last object served.
                cursor = entries.get(served - 1).changeSeq();
                hasMore = true;
            }
        } else {
            long[] last = new long[1];
            hasMore = scopedEntries(h, sql, tenant, request, since, head.changeSeq(), limit, maxPageBytes, entries, last);
            cursor = hasMore ? last[0] : head.changeSeq();
            int served = readScoped(h, sql, tenant, entries, request.includeHeads(), new Budget(maxPageBytes), sink);
            if (served < entries.size()) {
                // Candidates after the last entry served are judged again by the next page.
                cursor = entries.get(served - 1).changeSeq();
                hasMore = true;
            }
        }
        sink.end(Cursors.encode(tenant, head, cursor), hasMore);
        return null;
    }

    private static long bytes(ResultSet rs, PullRequest request) throws SQLException {
        return rs.getLong("stored_bytes") + (request.includeHeads() ? rs.getLong("heads_bytes") : 0);
    }

    /** Takes entries while the page has room (by count, then bytes; the first always); whether some were left. */
    private static boolean cut(List<Entry> candidates, int limit, long maxPageBytes, List<Entry> page) {
        long bytes = 0;
        for (Entry e : candidates) {
            if (page.size() == limit || !page.isEmpty() && bytes + e.bytes() > maxPageBytes) {
                return true;
            }
            bytes += e.bytes();
            page.add(e);
        }
        return candidates.size() > limit;
    }

    /**
     * The page's byte budget as its objects are served: the stored sizes the page was cut by, plus
     * the other heads' payloads, which only reading them tells. Once they pass the budget, the page
     * ends after the object that passed it.
     */
    private static final class Budget {
        private final long max;
        private long used;

        Budget(long max) {
            this.max = max;
        }

        /** Counts an object served; whether the page has room for the next one. */
        boolean served(Entry e, List<CompetingHead> otherHeads) {
            used += e.bytes();
            if (otherHeads != null) {
                for (CompetingHead head : otherHeads) {
                    if (head.payload() != null) {
                        used += head.payload().utf8Length();
                    }
                }
            }
            return used <= max;
        }
    }

    /**
     * Unscoped: the page's objects are the rows with change sequences in (since, last entry], read
     * in chunks. Returns how many entries were served: fewer than the page's when the other heads'
     * payloads filled the budget first.
     */
    private static int readRange(Handle h, Sql sql, String tenant, long since, List<Entry> page, boolean heads,
                                 Budget budget, PullSink sink) {
        long after = since;
        for (int from = 0; from < page.size(); ) {
            int to = chunkEnd(page, from);
            long upTo = page.get(to).changeSeq();
            List<Map.Entry<MaterializedObject, String>> rows = sql.query(h, "pull").bind("tenant", tenant).bind("since", after)
                    .bind("head", upTo).bind("limit", to - from + 1)
                    .map((rs, ctx) -> Map.entry(Rows.materialized(rs), rs.getString("other_heads") == null ? "" : rs.getString("other_heads")))
                    .list();
            for (int i = 0; i < rows.size(); i++) {
                if (!serve(h, sql, tenant, rows.get(i), page.get(from + i), heads, budget, sink) && from + i + 1 < page.size()) {
                    return from + i + 1;
                }
            }
            after = upTo;
            from = to + 1;
        }
        return page.size();
    }

    /**
     * Hands one object row (object, stored other heads) of entry {@code e} to the sink, with its
     * other heads when asked; whether the page has room for the next entry.
     */
    private static boolean serve(Handle h, Sql sql, String tenant, Map.Entry<MaterializedObject, String> row, Entry e,
                                 boolean heads, Budget budget, PullSink sink) {
        List<CompetingHead> others = heads ? otherHeads(h, sql, tenant, row) : null;
        sink.object(row.getKey(), others);
        return budget.served(e, others);
    }

    // The last index of the chunk that starts at from: about CHUNK_BYTES of objects, at least one.
    private static int chunkEnd(List<Entry> page, int from) {
        int to = from;
        long chunk = page.get(to).bytes();
        while (to + 1 < page.size() && !page.get(to + 1).removal() && chunk + page.get(to + 1).bytes() <= CHUNK_BYTES) {
            to++;
            chunk += page.get(to).bytes();
        }
        return to;
    }

    /**
     * The other heads of an object row (object, stored other heads), their payloads read from the
     * journal in one round trip, in op-id order; read one object at a time, just before the object
     * goes to the sink, so that no more than one object's heads are held at once.
     */
    private static List<CompetingHead> otherHeads(Handle h, Sql sql, String tenant, Map.Entry<MaterializedObject, String> row) {
        String objectId = row.getKey().objectId();
        List<StoredForms.StoredHead> others = StoredForms.parseOtherHeads(row.getValue());
        Map<String, String> payloads = Rows.journalPayloads(h, sql, tenant, Rows.journalPayloadIds(others));
        List<Op> ops = new ArrayList<>(others.size());
        for (StoredForms.StoredHead head : others) {
            ops.add(head.op(objectId, payloads.get(head.opId())));
        }
        // Stored in rank order; served, as always, in op-id order.
        ops.sort(Op::compareOpId);
        List<CompetingHead> list = new ArrayList<>(ops.size());
        ops.forEach(op -> list.add(CompetingHead.of(op)));
        return list;
    }

    /**
     * Cuts a scoped page from its candidates: each object once, at its first candidate, as an object
     * if it matches the scope now, else as a removal. A candidate that is the record of an exit of
     * an object that matches again is passed over: the object comes at its own, later, change.
     *
     * @return whether more candidates wait after the page; {@code last[0]} is the change sequence of
     *         the last candidate the page took or passed over
     */
    private static boolean scopedEntries(Handle h, Sql sql, String tenant, PullRequest request, long since, long head,
                                         int limit, long maxPageBytes, List<Entry> page, long[] last) {
        Scope scope = request.scope();
        String statement;
        List<String> keys;
        if (!scope.ids().isEmpty()) {
            statement = "pull_candidates_ids";
            keys = scope.ids();
        } else if (!scope.tags().isEmpty()) {
            statement = "pull_candidates_tags";
            keys = scope.tags();
        } else {
            statement = "pull_candidates_types";
            keys = scope.types();
        }
        int fetch = limit + 1;
        List<Map.Entry<String, Long>> candidates = sql.query(h, statement).bind("tenant", tenant)
                .bindArray("keys", String.class, keys).bind("since", since).bind("head", head).bind("limit", fetch)
                .map((rs, ctx) -> Map.entry(rs.getString("object_id"), rs.getLong("change_seq"))).list();
        Set<String> ids = new LinkedHashSet<>();
        candidates.forEach(c -> ids.add(c.getKey()));
        Map<String, Info> infos = new HashMap<>();
        if (!ids.isEmpty()) {
            sql.query(h, "objects_info_by_ids").bind("tenant", tenant).bindArray("keys", String.class, ids)
                    .map((rs, ctx) -> Map.entry(rs.getString("object_id"), new Info(rs.getString("object_type"),
                            StoredForms.parseTags(rs.getString("tags")), rs.getLong("change_seq"), bytes(rs, request))))
                    .forEach(e -> infos.put(e.getKey(), e.getValue()));
        }
        Set<String> types = new HashSet<>(scope.types());
        Set<String> wanted = new HashSet<>(scope.ids());
        Set<String> tags = new HashSet<>(scope.tags());
        Set<String> taken = new HashSet<>();
        long bytes = 0;
        last[0] = since;
        for (Map.Entry<String, Long> c : candidates) {
            String id = c.getKey();
            Info info = infos.get(id);
            boolean matches = info != null && (types.isEmpty() || types.contains(info.objectType()))
                    && (wanted.isEmpty() || wanted.contains(id))
                    && (tags.isEmpty() || info.tags().stream().anyMatch(tags::contains));
            if (!taken.contains(id) && !(matches && info.changeSeq() != c.getValue())) {
                long size = matches ? info.bytes() : 0;
                if (page.size() == limit || !page.isEmpty() && bytes + size > maxPageBytes) {
                    return true;
                }
                page.add(new Entry(id, c.getValue(), size, !matches));
                taken.add(id);
                bytes += size;
            }
            last[0] = c.getValue();
        }
        return candidates.size() == fetch;
    }

    /**
     * Scoped: the page's objects read by id in chunks, handed over with the removals in page order.
     * Returns how many entries were served, as {@link #readRange} does.
     */
    private static int readScoped(Handle h, Sql sql, String tenant, List<Entry> page, boolean heads, Budget budget,
                                  PullSink sink) {
        for (int from = 0; from < page.size(); ) {
            if (page.get(from).removal()) {
                sink.removed(page.get(from).objectId());
                from++;
                continue;
            }
            int to = chunkEnd(page, from);
            List<String> ids = new ArrayList<>();
            for (int i = from; i <= to; i++) {
                ids.add(page.get(i).objectId());
            }
            Map<String, Map.Entry<MaterializedObject, String>> rows = new HashMap<>();
            sql.query(h, "objects_by_ids").bind("tenant", tenant).bindArray("keys", String.class, ids)
                    .map((rs, ctx) -> Map.entry(Rows.materialized(rs), rs.getString("other_heads") == null ? "" : rs.getString("other_heads")))
                    .forEach(row -> rows.put(row.getKey().objectId(), row));
            for (int i = 0; i < ids.size(); i++) {
                if (!serve(h, sql, tenant, rows.get(ids.get(i)), page.get(from + i), heads, budget, sink)
                        && from + i + 1 < page.size()) {
                    return from + i + 1;
                }
            }
            from = to + 1;
        }
        return page.size();
    }
}
