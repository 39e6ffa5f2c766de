package dev.syncmat.core.protocol;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Conflict records and history entries keep their fields in place and carry metHeads last. */
class SyncProtocolConflictTest {
    private static final SyncProtocol PROTOCOL = SyncProtocol.create();
    private static final Instant AT = Instant.parse("2026-12-01T14:22:26Z");

    @Test
    void conflictRecordWritesMetHeadsAfterEveryEarlierField() {
        ConflictRecord c = new ConflictRecord(14, "task-7", "task", "laptop-4", "tablet-2", ConflictReason.PAYLOAD_ORDER, AT, 3);
        assertThat(SyncJson.write(g -> PROTOCOL.write(g, c))).isEqualTo("{\"journalSeq\":14,\"objectId\":\"task-7\","
                + "\"objectType\":\"task\",\"winnerOpId\":\"laptop-4\",\"loserOpId\":\"tablet-2\",\"reason\":\"PAYLOAD_ORDER\","
                + "\"createdAt\":\"2026-12-01T14:22:26Z\",\"metHeads\":3}");
    }

    @Test
    void historyEntryWritesMetHeadsLastInItsConflict() {
        Op op = Op.update("laptop-4", "task-7", "task", VectorClock.of("laptop", 4), Payload.parse("1"));
        HistoryEntry e = new HistoryEntry(14, op, AT, Outcome.MERGED,
                List.of(new Conflict("task-7", "laptop-4", "tablet-2", ConflictReason.PAYLOAD_ORDER, 2)));
        assertThat(SyncJson.write(g -> PROTOCOL.write(g, e))).startsWith("{\"journalSeq\":14,\"opId\":\"laptop-4\","
                + "\"outcome\":\"merged\",\"receivedAt\":\"2026-12-01T14:22:26Z\",\"conflicts\":[{\"winnerOpId\":\"laptop-4\","
                + "\"loserOpId\":\"tablet-2\",\"reason\":\"PAYLOAD_ORDER\",\"metHeads\":2}],\"op\":{");
    }
}
