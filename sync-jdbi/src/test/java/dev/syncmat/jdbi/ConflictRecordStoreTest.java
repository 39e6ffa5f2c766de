package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;

/** What a push costs in conflict rows: one per op merged beside other heads, whatever their number. */
class ConflictRecordStoreTest {
    private static final String T = "tenant-conflicts";

    private static String opId(int i) {
        return String.format(Locale.ROOT, "op-%04d", i);
    }

    /**
     * 1,000 mutually concurrent ops with equal payloads, pushed in op-id order: op i meets the i
     * ops before it, the best-ranked of which is op i - 1 (equal payloads rank by op id), and
     * outranks it. So the push writes one row per op but the first, each naming op i over op i - 1
     * and i met heads; at most 2 rows per op, not the 499,500 a row per pair would be.
     */
    @StoreTesting.OnBothDatabases
    void thousandConcurrentOpsInOnePushWriteAtMostTwoConflictRowsPerOp(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        int n = 1000;
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(update(opId(i), "hot", "note", VectorClock.of(String.format(Locale.ROOT, "actor-%04d", i), 1), "1"));
        }
        assertThat(store.push(T, ops).results()).extracting(r -> r.outcome())
                .first().isEqualTo(Outcome.APPLIED);
        assertThat(f.db().count("sync_conflicts", T)).isEqualTo(n - 1).isLessThanOrEqualTo(2L * n);

        List<ConflictRecord> records = store.conflicts(T, ConflictQuery.all());
        assertThat(records).hasSize(n - 1);
        for (int i = 1; i < n; i++) {
            ConflictRecord c = records.get(i - 1);
            assertThat(c.journalSeq()).isEqualTo(i + 1);
            assertThat(c.winnerOpId()).isEqualTo(opId(i));
            assertThat(c.loserOpId()).isEqualTo(opId(i - 1));
            assertThat(c.reason()).isEqualTo(ConflictReason.OP_ID_ORDER);
            assertThat(c.metHeads()).isEqualTo(i);
        }
        assertThat(store.get(T, "hot").heads()).isEqualTo(n);
        ReplayReport verify = store.replay(T, ReplayOptions.verify());
        assertThat(verify.consistent()).as("%s", verify).isTrue();
        assertThat(verify.conflicts()).isEqualTo(n - 1);
    }

    /**
     * A later op concurrent with all 1,000 heads writes one row naming how many it met, and the
     * winner among them it was ranked against; one that supersedes them all writes none.
     */
    @StoreTesting.OnBothDatabases
    void anOpBesideManyHeadsWritesOneRowThatCountsThem(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        int n = 1000;
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(update(opId(i), "hot", "note", VectorClock.of(String.format(Locale.ROOT, "actor-%04d", i), 1), "1"));
        }
        store.push(T, ops);
        long before = f.db().count("sync_conflicts", T);

        // "2" outranks the heads' "1": the late op wins against op-0999, the heads' winner.
        store.push(T, List.of(update("late", "hot", "note", VectorClock.of("late", 1), "2")));
        assertThat(f.db().count("sync_conflicts", T)).isEqualTo(before + 1);
        List<ConflictRecord> records = store.conflicts(T, ConflictQuery.all());
        ConflictRecord last = records.get(records.size() - 1);
        assertThat(last).usingRecursiveComparison().ignoringFields("createdAt")
                .isEqualTo(new ConflictRecord(n + 1, "hot", "note", "late", opId(n - 1), ConflictReason.PAYLOAD_ORDER,
                        null, n));

        // A client writes from the context it is served (compressed under the object's alias).
        VectorClock served = store.get(T, "hot").context();
        assertThat(store.push(T, List.of(update("resolve", "hot", "note", served.increment("r"), "3"))).results().get(0).outcome())
                .isEqualTo(Outcome.APPLIED);
        assertThat(f.db().count("sync_conflicts", T)).isEqualTo(before + 1);
        assertThat(store.get(T, "hot").heads()).isEqualTo(1);
    }
}
