package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.ReferenceModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Convergence through the store: realistic histories delivered shuffled, in random batches and
 * partly duplicated end up exactly where the core's in-memory materializer and the kit's
 * brute-force {@link ReferenceModel} say, and every push reports what the materializer reports
 * for the same delivery.
 */
class StoreConvergenceTest {
    private static final String TENANT = "acme";

    static Stream<Arguments> seeds() {
        return TestDatabases.kinds()
                .flatMap(kind -> IntStream.rangeClosed(1, 10).mapToObj(seed -> Arguments.of(kind, 1000L + seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("seeds")
    void shuffledBatchedDuplicatedPushesEqualTheInMemoryMaterialization(TestDatabases.Kind kind, long seed) {
        Random random = new Random(seed);
        int replicas = 3 + random.nextInt(4);
        int objects = 10 + random.nextInt(31);
        int steps = 300 + random.nextInt(501);
        CausalHistory history = CausalHistories.defaults().replicas(replicas).objects(objects).steps(steps).generate(seed);
        assertThat(history.ops()).as("history of seed %d", seed).hasSizeGreaterThan(100);

        List<Op> delivery = new ArrayList<>(history.ops());
        Collections.shuffle(delivery, random);
        int duplicates = history.ops().size() / 5;
        for (int i = 0; i < duplicates; i++) {
            delivery.add(random.nextInt(delivery.size() + 1), history.ops().get(random.nextInt(history.ops().size())));
        }

        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        Materializer reference = Materializer.create();
        long expectedConflicts = 0;
        for (int from = 0; from < delivery.size(); ) {
            int to = Math.min(delivery.size(), from + 1 + random.nextInt(50));
            List<Op> batch = delivery.subList(from, to);
            List<ApplyResult> want = reference.applyAll(batch);
            PushResult got = f.store().push(TENANT, batch);
            List<OpResult> wantResults = new ArrayList<>();
            for (ApplyResult r : want) {
                wantResults.add(new OpResult(r.op().opId(), r.outcome()));
                expectedConflicts += r.conflicts().size();
            }
            assertThat(got.results()).as("outcomes of ops %d..%d", from, to - 1).isEqualTo(wantResults);
            from = to;
        }

        StoreTesting.Pulled pulled = StoreTesting.pullAll(f.store(), TENANT, PullRequest.initial().withLimit(37));
        Map<String, MaterializedObject> expected = StoreTesting.expected(reference);
        assertThat(pulled.byId()).isEqualTo(expected);
        assertThat(pulled.pages()).as("pages of 37").hasSize((expected.size() + 36) / 37);
        StoreTesting.Pulled small = StoreTesting.pullAll(f.store(), TENANT, PullRequest.initial().withLimit(3));
        assertThat(small.ids()).isEqualTo(pulled.ids());
        assertThat(small.cursor()).isEqualTo(pulled.cursor());

        Map<String, MaterializedObject> model = ReferenceModel.of(MergePolicy.deleteWins()).materialize(history.ops());
        assertThat(pulled.byId()).isEqualTo(model);
        for (MaterializedObject o : pulled.objects()) {
            assertThat(f.store().find(TENANT, o.objectId())).contains(o);
        }

        assertThat(f.db().count("sync_journal", TENANT)).isEqualTo(history.ops().size());
        assertThat(f.db().count("sync_objects", TENANT)).isEqualTo(model.size());
        assertThat(f.db().count("sync_conflicts", TENANT)).isEqualTo(expectedConflicts);
        long tagRows = expected.values().stream().mapToLong(o -> o.tags().size()).sum();
        assertThat(f.db().count("sync_object_tags", TENANT)).isEqualTo(tagRows);
        assertThat(StoreTesting.pullAll(f.store(), TENANT, PullRequest.since(pulled.cursor())).objects()).isEmpty();
    }
}
