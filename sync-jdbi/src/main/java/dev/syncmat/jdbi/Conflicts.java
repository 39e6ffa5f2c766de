package dev.syncmat.jdbi;

import dev.syncmat.core.merge.Conflict;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.OffsetDateTime;

/** Conflict rows. */
final class Conflicts {
    private Conflicts() {
    }

    static void bind(PreparedBatch b, String tenant, long journalSeq, Conflict c, String objectType,
                     OffsetDateTime createdAt) {
        b.bind("tenant", tenant).bind("journalSeq", journalSeq).bind("winnerOpId", c.winnerOpId())
                .bind("loserOpId", c.loserOpId()).bind("objectId", c.objectId()).bind("objectType", objectType)
                .bind("reason", c.reason().name()).bind("createdAt", createdAt).add();
    }
}
