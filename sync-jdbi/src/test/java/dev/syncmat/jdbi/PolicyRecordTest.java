package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.MergePolicyLaws;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The merge policy recorded per tenant: mismatches refused, the explicit switch, custom reasons. */
class PolicyRecordTest {
    private static final String T = "t";

    /** Three concurrent updates and a concurrent delete of one object, and an update of another. */
    private static final List<Op> OPS = List.of(
            StoreTesting.update("a1", "doc", "note", VectorClock.of("a", 1), "\"short\""),
            StoreTesting.update("b1", "doc", "note", VectorClock.of("b", 1), "\"a longer title\""),
            StoreTesting.delete("c1", "doc", "note", VectorClock.of("c", 1)),
            StoreTesting.update("d1", "doc-2", "note", VectorClock.of("d", 1), "\"x\""));

    private static SyncStore store(TestDatabases.Database db, MergePolicy policy) {
        return SyncStore.builder(db.jdbi()).mergePolicy(policy).build();
    }

    private static Optional<String> recorded(TestDatabases.Database db, String tenant) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT policy_id FROM sync_tenants WHERE tenant_id = :t")
                .bind("t", tenant).mapTo(String.class).findOne());
    }

    private static Map<String, String> tenantRow(TestDatabases.Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT journal_seq, change_seq, policy_id FROM sync_tenants "
                + "WHERE tenant_id = :t").bind("t", T).map((rs, ctx) -> Map.of("journal_seq", rs.getString(1),
                "change_seq", rs.getString(2), "policy_id", rs.getString(3))).one());
    }

    @StoreTesting.OnBothDatabases
    void theFirstPushRecordsTheStoresPolicy(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore updateWins = store(f.db(), MergePolicy.updateWins());
        assertThat(recorded(f.db(), T)).isEmpty();
        updateWins.push(T, OPS.subList(0, 1));
        assertThat(recorded(f.db(), T)).contains("update-wins");
        f.store().push("other", OPS.subList(0, 1));
        assertThat(recorded(f.db(), "other")).as("each tenant records its own").contains("delete-wins");
    }

    @StoreTesting.OnBothDatabases
    void aPushVerifyOrRebuildUnderAnotherPolicyIsRefusedAndWritesNothing(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore updateWins = store(f.db(), MergePolicy.updateWins());
        SyncStore deleteWins = f.store();
        updateWins.push(T, OPS.subList(0, 3));
        Map<String, Long> before = f.counts();
        Map<String, String> rowBefore = tenantRow(f.db());

        PolicyMismatchException push = catchThrowableOfType(PolicyMismatchException.class,
                () -> deleteWins.push(T, OPS.subList(3, 4)));
        assertThat(push.recordedPolicyId()).isEqualTo("update-wins");
        assertThat(push.requestedPolicyId()).isEqualTo("delete-wins");
        assertThat(push.tenantId()).isEqualTo(T);
        assertThat(push.code()).isEqualTo("policy_mismatch");
        assertThat(push.isRetryable()).isFalse();
        assertThat(push.getMessage()).contains("\"update-wins\"").contains("\"delete-wins\"").contains("this push")
                .contains("--switch-policy");

        PolicyMismatchException verify = catchThrowableOfType(PolicyMismatchException.class,
                () -> deleteWins.replay(T, ReplayOptions.verify()));
        assertThat(verify.getMessage()).contains("this verify");
        PolicyMismatchException named = catchThrowableOfType(PolicyMismatchException.class,
                () -> updateWins.replay(T, ReplayOptions.verify().withPolicy(MergePolicy.deleteWins())));
        assertThat(named.requestedPolicyId()).as("the policy the replay names counts").isEqualTo("delete-wins");
        PolicyMismatchException rebuild = catchThrowableOfType(PolicyMismatchException.class,
                () -> deleteWins.replay(T, ReplayOptions.rebuild()));
        assertThat(rebuild.getMessage()).contains("this rebuild");

        assertThat(f.counts()).isEqualTo(before);
        assertThat(tenantRow(f.db())).isEqualTo(rowBefore);
        assertThat(updateWins.replay(T, ReplayOptions.verify()).consistent()).isTrue();
    }

    @StoreTesting.OnBothDatabases
    void aRefusedPushInTheCallersTransactionLeavesItUsable(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        store(f.db(), MergePolicy.updateWins()).push(T, OPS.subList(0, 1));
        f.db().jdbi().useTransaction(h -> {
            catchThrowableOfType(PolicyMismatchException.class, () -> f.store().push(h, T, OPS.subList(1, 2)));
            f.store().push(h, "another", OPS.subList(1, 2));
        });
        assertThat(f.db().count("sync_journal", T)).isEqualTo(1);
        assertThat(f.db().count("sync_journal", "another")).isEqualTo(1);
    }

    @StoreTesting.OnBothDatabases
    void aRebuildThatSwitchesPolicyRemergesRecordsItAndThenRefusesTheOldPolicy(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore updateWins = store(f.db(), MergePolicy.updateWins());
        SyncStore deleteWins = f.store();
        updateWins.push(T, OPS);
        assertThat(deleteWins.get(T, "doc").deleted()).as("update-wins keeps the edit").isFalse();

        ReplayReport preview = deleteWins.replay(T, ReplayOptions.verify().withSwitchPolicy(true));
        assertThat(preview.changed()).containsExactly("doc");
        assertThat(recorded(f.db(), T)).as("a verify records nothing").contains("update-wins");

        ReplayReport switched = deleteWins.replay(T, ReplayOptions.rebuild().withSwitchPolicy(true));
        assertThat(switched.policy()).isEqualTo("delete-wins");
        assertThat(switched.changed()).containsExactly("doc");
        assertThat(recorded(f.db(), T)).contains("delete-wins");
        assertThat(deleteWins.get(T, "doc").deleted()).isTrue();
        assertThat(deleteWins.replay(T, ReplayOptions.verify()).consistent()).isTrue();

        long journal = f.db().count("sync_journal", T);
        catchThrowableOfType(PolicyMismatchException.class,
                () -> updateWins.push(T, List.of(StoreTesting.update("e1", "doc-3", "note", VectorClock.of("e", 1), "1"))));
        assertThat(f.db().count("sync_journal", T)).isEqualTo(journal);
        deleteWins.push(T, List.of(StoreTesting.update("e1", "doc-3", "note", VectorClock.of("e", 1), "1")));
        assertThat(f.db().count("sync_journal", T)).isEqualTo(journal + 1);
    }

    @StoreTesting.OnBothDatabases
    void aTenantWithNoRecordedPolicyAdoptsTheOneOfItsNextWrite(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, OPS.subList(0, 1));
        // As a tenant created before schema 4 is after migrating.
        f.db().jdbi().useHandle(h -> h.execute("UPDATE sync_tenants SET policy_id = NULL"));
        SyncStore updateWins = store(f.db(), MergePolicy.updateWins());
        assertThat(updateWins.replay(T, ReplayOptions.verify()).consistent()).isTrue();
        assertThat(recorded(f.db(), T)).as("verify writes nothing").isEmpty();
        updateWins.push(T, OPS.subList(1, 2));
        assertThat(recorded(f.db(), T)).contains("update-wins");

        f.db().jdbi().useHandle(h -> h.execute("UPDATE sync_tenants SET policy_id = NULL"));
        updateWins.replay(T, ReplayOptions.rebuild());
        assertThat(recorded(f.db(), T)).as("a rebuild records its policy too").contains("update-wins");
    }

    @StoreTesting.OnBothDatabases
    void migratingAVersion4StoreWithDataLeavesItConsistentAndItsTenantsAdoptTheNextPolicy(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, OPS);
        // Back to what version 4 left: no policy column, reasons of at most 16 characters, no version 5.
        String narrow = kind == TestDatabases.Kind.H2 ? "SET DATA TYPE VARCHAR(16)" : "TYPE VARCHAR(16)";
        f.db().jdbi().useHandle(h -> {
            h.execute("ALTER TABLE sync_tenants DROP COLUMN policy_id");
            h.execute("ALTER TABLE sync_conflicts ALTER COLUMN reason " + narrow);
            h.execute("DELETE FROM sync_schema_version WHERE version = 5");
        });
        Map<String, Long> before = f.counts();

        assertThat(f.store().migrate()).containsExactly(5);
        assertThat(f.counts()).isEqualTo(before);
        assertThat(recorded(f.db(), T)).isEmpty();
        assertThat(f.store().conflictCounts(T)).extracting(c -> c.reason().code())
                .containsExactly("DELETE_WINS", "PAYLOAD_ORDER");
        assertThat(f.store().replay(T, ReplayOptions.verify()).consistent()).isTrue();
        assertThat(recorded(f.db(), T)).as("a verify records nothing").isEmpty();
        SyncStore custom = store(f.db(), new LongerTitleWins());
        custom.push(T, List.of(StoreTesting.update("e1", "doc-2", "note", VectorClock.of("e", 1), "\"a long title\"")));
        assertThat(recorded(f.db(), T)).contains("longer-title-wins");
        assertThat(custom.conflicts(T, ConflictQuery.object("doc-2"))).extracting(c -> c.reason().code())
                .as("the widened column holds the custom code").containsExactly("longer_title");
        catchThrowableOfType(PolicyMismatchException.class, () -> f.store().push(T, OPS.subList(0, 1)));
    }

    @Test
    void theCustomPolicyKeepsTheLaws() {
        assertThatCode(() -> MergePolicyLaws.check(new LongerTitleWins())).doesNotThrowAnyException();
    }

    @StoreTesting.OnBothDatabases
    void aCustomReasonCodeRoundTripsThroughPushConflictsAndReplay(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore custom = store(f.db(), new LongerTitleWins());
        custom.push(T, OPS.subList(0, 2));
        custom.push(T, OPS.subList(2, 4));

        List<ConflictRecord> conflicts = custom.conflicts(T, ConflictQuery.all());
        // c1 meets both heads and is recorded once, against b1, the one that ranks higher.
        assertThat(conflicts).extracting(c -> c.winnerOpId() + ">" + c.loserOpId() + ":" + c.reason().code() + "/" + c.metHeads())
                .containsExactly("b1>a1:longer_title/1", "c1>b1:DELETE_WINS/2");
        assertThat(conflicts.get(0).reason()).isEqualTo(LongerTitleWins.LONGER_TITLE);
        assertThat(custom.conflictCounts(T)).containsExactly(
                new ConflictCount(ConflictReason.DELETE_WINS, "note", 1),
                new ConflictCount(ConflictReason.of("longer_title"), "note", 1));
        String stored = f.db().jdbi().withHandle(h -> h.createQuery("SELECT reason FROM sync_conflicts WHERE winner_op_id = 'b1'")
                .mapTo(String.class).one());
        assertThat(stored).isEqualTo("longer_title");

        Map<String, MaterializedObject> online = StoreTesting.pullAll(custom, T, PullRequest.initial()).byId();
        ReplayReport verify = custom.replay(T, ReplayOptions.verify());
        assertThat(verify.consistent()).as("%s", verify).isTrue();
        assertThat(verify.conflicts()).isEqualTo(2);
        // A rebuild after the conflict rows are lost writes the same rows and objects back.
        f.db().jdbi().useHandle(h -> h.execute("DELETE FROM sync_conflicts WHERE tenant_id = 't'"));
        assertThat(custom.replay(T, ReplayOptions.verify()).conflictsChanged()).containsExactly("doc");
        ReplayReport rebuilt = custom.replay(T, ReplayOptions.rebuild());
        assertThat(rebuilt.changed()).isEmpty();
        assertThat(custom.conflicts(T, ConflictQuery.all())).isEqualTo(conflicts);
        assertThat(StoreTesting.pullAll(custom, T, PullRequest.initial()).byId()).isEqualTo(online);
    }

    @StoreTesting.OnBothDatabases
    void aCustomPolicyOnARandomHistoryReplaysConsistently(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore custom = store(f.db(), new LongerTitleWins());
        List<Op> ops = new ArrayList<>(CausalHistories.defaults().replicas(4).objects(10).steps(200).generate(7).ops());
        Collections.shuffle(ops, new Random(7));
        for (int i = 0; i < ops.size(); i += 25) {
            custom.push(T, ops.subList(i, Math.min(ops.size(), i + 25)));
        }
        assertThat(custom.conflictCounts(T)).extracting(c -> c.reason().code()).contains("longer_title");
        Materializer model = Materializer.of(MergeEngine.of(new LongerTitleWins()));
        model.applyAll(ops);
        Map<String, MaterializedObject> expected = StoreTesting.expected(model);
        assertThat(StoreTesting.pullAll(custom, T, PullRequest.initial()).byId()).isEqualTo(expected);
        assertThat(custom.replay(T, ReplayOptions.verify().withPageSize(16)).consistent()).isTrue();
    }
}
