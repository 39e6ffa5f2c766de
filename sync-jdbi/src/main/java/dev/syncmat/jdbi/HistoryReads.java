package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.protocol.HistoryEntry;
import org.jdbi.v3.core.Handle;

import java.util.function.Consumer;

/** The history of one object: its journal entries in order, each with the outcome it had. */
final class HistoryReads {
    private HistoryReads() {
    }

    /** Streams the entries to {@code sink}, recomputing outcomes with {@code engine}; one pass, constant memory. */
    static void history(Handle h, Sql sql, MergeEngine engine, String tenant, String objectId, Consumer<HistoryEntry> sink) {
        ObjectState[] state = new ObjectState[1];
        sql.query(h, "history").bind("tenant", tenant).bind("objectId", objectId).setFetchSize(500)
                .map((rs, ctx) -> Rows.journalEntry(rs))
                .forEach(e -> {
                    ApplyResult r = engine.apply(state[0], e.op());
                    state[0] = r.state();
                    sink.accept(new HistoryEntry(e.journalSeq(), e.op(), e.receivedAt(), r.outcome(), r.conflicts()));
                });
    }
}
