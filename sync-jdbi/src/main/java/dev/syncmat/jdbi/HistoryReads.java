package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.HistoryPage;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The history of one object: its journal entries in order, each with the outcome it had. */
final class HistoryReads {
    private HistoryReads() {
    }

    /**
     * One page: the entries after journal position {@code after}, at most {@code limit} of them
     * and about {@code maxBytes} of payload (an entry larger than that comes alone). Outcomes
     * depend on what came before, so the entries before the page are replayed (read, not kept).
     */
    static HistoryPage page(Handle h, Sql sql, MergeEngine engine, String tenant, String objectId, long after, int limit,
                            long maxBytes) {
        List<HistoryEntry> entries = new ArrayList<>();
        long[] bytes = new long[1];
        boolean[] more = new boolean[1];
        ObjectState[] state = new ObjectState[1];
        ContextAliases aliases = StoredAliases.ofObject(h, sql, tenant, objectId);
        try (Stream<Rows.JournalEntry> journal = sql.query(h, "history").bind("tenant", tenant).bind("objectId", objectId)
                .setFetchSize(100).map((rs, ctx) -> Rows.journalEntry(rs)).stream()) {
            journal.takeWhile(e -> !more[0]).forEach(e -> {
                    ApplyResult r = engine.apply(state[0], StoredAliases.expand(aliases, e.op()));
                    state[0] = r.state();
                    if (e.journalSeq() <= after) {
                        return;
                    }
                    long size = ENTRY_OVERHEAD + (e.op().payload() == null ? 0 : e.op().payload().utf8Length());
                    if (entries.size() == limit || !entries.isEmpty() && bytes[0] + size > maxBytes) {
                        more[0] = true;
                        return;
                    }
                    bytes[0] += size;
                    entries.add(new HistoryEntry(e.journalSeq(), e.op(), e.receivedAt(), r.outcome(), r.conflicts()));
                });
        }
        return new HistoryPage(entries, more[0]);
    }

    // What an entry costs beyond its payload, for the byte budget: ids, clock, conflicts (a rough bound).
    private static final long ENTRY_OVERHEAD = 512;

    /** Streams the entries to {@code sink}, recomputing outcomes with {@code engine}; one pass, constant memory. */
    static void history(Handle h, Sql sql, MergeEngine engine, String tenant, String objectId, Consumer<HistoryEntry> sink) {
        ObjectState[] state = new ObjectState[1];
        ContextAliases aliases = StoredAliases.ofObject(h, sql, tenant, objectId);
        sql.query(h, "history").bind("tenant", tenant).bind("objectId", objectId).setFetchSize(500)
                .map((rs, ctx) -> Rows.journalEntry(rs))
                .forEach(e -> {
                    ApplyResult r = engine.apply(state[0], StoredAliases.expand(aliases, e.op()));
                    state[0] = r.state();
                    sink.accept(new HistoryEntry(e.journalSeq(), e.op(), e.receivedAt(), r.outcome(), r.conflicts()));
                });
    }
}
