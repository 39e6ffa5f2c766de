package dev.syncmat.jdbi;

import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Conflict records and their counts, filtered by a {@link ConflictQuery}. */
final class ConflictReads {
    private static final Comparator<ConflictRecord> WITHIN_POSITION =
            Comparator.comparing(ConflictRecord::winnerOpId, Utf8Order.COMPARATOR)
                    .thenComparing(ConflictRecord::loserOpId, Utf8Order.COMPARATOR);

    private ConflictReads() {
    }

    /**
     * Streams matching records in journal order; the records of one journal position (read
     * together) are put in winner, then loser op-id order, so memory holds one position's records.
     */
    static void conflicts(Handle h, Sql sql, String tenant, ConflictQuery query, Consumer<ConflictRecord> sink) {
        List<ConflictRecord> group = new ArrayList<>();
        filtered(h, sql, "conflicts_query", tenant, query).setFetchSize(500).map((rs, ctx) -> Rows.conflict(rs)).forEach(c -> {
            if (!group.isEmpty() && group.get(0).journalSeq() != c.journalSeq()) {
                flush(group, sink);
            }
            group.add(c);
        });
        flush(group, sink);
    }

    private static void flush(List<ConflictRecord> group, Consumer<ConflictRecord> sink) {
        group.sort(WITHIN_POSITION);
        group.forEach(sink);
        group.clear();
    }

    /** Counts of matching records by reason and object type, sorted by reason then type (UTF-8). */
    static List<ConflictCount> counts(Handle h, Sql sql, String tenant, ConflictQuery query) {
        List<ConflictCount> counts = new ArrayList<>(filtered(h, sql, "conflicts_stats", tenant, query)
                .map((rs, ctx) -> new ConflictCount(ConflictReason.of(rs.getString("reason")),
                        rs.getString("object_type"), rs.getLong("n")))
                .list());
        counts.sort(Comparator.comparing((ConflictCount c) -> c.reason().code(), Utf8Order.COMPARATOR)
                .thenComparing(ConflictCount::objectType, Utf8Order.COMPARATOR));
        return counts;
    }

    // The statement with the query's filters in place and bound.
    private static Query filtered(Handle h, Sql sql, String statement, String tenant, ConflictQuery query) {
        List<String> filters = new ArrayList<>();
        if (query.objectId() != null) {
            filters.add("conflicts_filter_object");
        }
        if (query.from() != null) {
            filters.add("conflicts_filter_from");
        }
        if (query.to() != null) {
            filters.add("conflicts_filter_to");
        }
        Query select = sql.queryText(h, sql.compose(statement, Map.of("filters", filters))).bind("tenant", tenant);
        if (query.objectId() != null) {
            select.bind("objectId", query.objectId());
        }
        if (query.from() != null) {
            select.bind("from", Rows.utc(query.from()));
        }
        if (query.to() != null) {
            select.bind("to", Rows.utc(query.to()));
        }
        return select;
    }
}
