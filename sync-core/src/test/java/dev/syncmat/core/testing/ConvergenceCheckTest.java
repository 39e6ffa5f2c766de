package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConvergenceCheckTest {
    private static final CausalHistory HISTORY = CausalHistories.defaults().replicas(4).objects(6).steps(150).generate(11);

    /** The library's own in-memory materializer as the system under test. */
    private static Collection<MaterializedObject> materialize(MergePolicy policy, List<List<Op>> batches) {
        Materializer m = Materializer.of(MergeEngine.of(policy));
        batches.forEach(m::applyAll);
        return m.objects().stream().map(MaterializedObject::of).toList();
    }

    @Test
    void theMaterializerConvergesUnderEveryDeliveryAndEveryDeliveryHasEveryOp() {
        List<Integer> sizes = new ArrayList<>();
        assertThatCode(() -> ConvergenceCheck.of(MergePolicy.deleteWins()).runs(12).seed(3).check(HISTORY, batches -> {
            Set<Op> delivered = new HashSet<>();
            batches.forEach(delivered::addAll);
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(HISTORY.ops());
            sizes.add(batches.stream().mapToInt(List::size).sum());
            return materialize(MergePolicy.deleteWins(), batches);
        })).doesNotThrowAnyException();
        assertThat(sizes).hasSize(12);
        assertThat(sizes).anyMatch(n -> n > HISTORY.ops().size());
    }

    @Test
    void deliveriesAreShuffledReversedAndInOrderAndRepeatable() {
        ConvergenceCheck check = ConvergenceCheck.of(MergePolicy.deleteWins()).seed(5).maxBatch(4);
        List<Op> ops = HISTORY.ops();

        List<List<Op>> first = check.deliveryOf(ops, 1);
        assertThat(first).isEqualTo(check.deliveryOf(ops, 1)).isNotEqualTo(check.seed(6).deliveryOf(ops, 1));
        assertThat(first).allMatch(b -> !b.isEmpty() && b.size() <= 4);
        List<Op> flat = first.stream().flatMap(List::stream).toList();
        assertThat(new HashSet<>(flat)).containsExactlyInAnyOrderElementsOf(ops);
        assertThat(flat.size()).isGreaterThan(ops.size());
        assertThat(flat).isNotEqualTo(ops);

        List<List<Op>> second = check.deliveryOf(ops, 2);
        assertThat(second).allMatch(b -> b.size() == 1);
        assertThat(second.get(0).get(0)).isEqualTo(ops.get(ops.size() - 1));
        assertThat(check.deliveryOf(ops, 3)).containsExactly(ops);
        assertThat(check.duplicateRate(0).deliveryOf(ops, 4).stream().mapToInt(List::size).sum()).isEqualTo(ops.size());
    }

    @Test
    void aSystemThatKeepsTheLastOpToArriveIsCaughtWithTheObjectAndItsOps() {
        AssertionError e = catchThrowableOfType(AssertionError.class, () -> ConvergenceCheck.of(MergePolicy.deleteWins())
                .check(HISTORY, batches -> {
                    Map<String, Op> last = new LinkedHashMap<>();
                    batches.forEach(b -> b.forEach(op -> last.put(op.objectId(), op)));
                    return last.values().stream().map(op -> new MaterializedObject(op.objectId(), op.objectType(),
                            op.tags(), op.payload(), op.isDelete(), op.clock(), op.clock(), op.opId(), 1)).toList();
                }));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("run 1 of 10 (seed 0; shuffled, random batches of up to 16, duplicates: ")
                .contains(" does not converge: object \"").contains("\" differs in ").contains("\n  expected: {\"objectId\":")
                .contains("\n  actual:   {\"objectId\":").contains(" deliveries of ops, in delivery order:\n    batch ");
    }

    @Test
    void aSystemWithAnotherPolicyIsCaughtNamingTheFieldsThatDiffer() {
        Op u = Op.update("u", "o", "note", VectorClock.of("a", 1), Payload.parse("1"));
        Op d = Op.delete("d", "o", "note", VectorClock.of("b", 1));
        AssertionError e = catchThrowableOfType(AssertionError.class, () -> ConvergenceCheck.of(MergePolicy.deleteWins())
                .runs(1).check(List.of(u, d), batches -> materialize(MergePolicy.updateWins(), batches)));
        assertThat(e.getMessage()).contains("does not converge: object \"o\" differs in payload, deleted, clock, winnerOpId\n"
                + "  expected: {\"objectId\":\"o\",\"objectType\":\"note\",\"tags\":[],\"payload\":null,\"deleted\":true,"
                + "\"clock\":{\"b\":1},\"context\":{\"a\":1,\"b\":1},\"winnerOpId\":\"d\",\"heads\":2}\n"
                + "  actual:   {\"objectId\":\"o\",\"objectType\":\"note\",\"tags\":[],\"payload\":1,\"deleted\":false,"
                + "\"clock\":{\"a\":1},\"context\":{\"a\":1,\"b\":1},\"winnerOpId\":\"u\",\"heads\":2}\n");
        assertThat(e.getMessage()).contains("{\"opId\":\"u\",\"objectId\":\"o\"").contains("{\"opId\":\"d\",\"objectId\":\"o\"");
    }

    @Test
    void missingExtraAndRepeatedObjectsAreCaught() {
        ConvergenceCheck check = ConvergenceCheck.of(MergePolicy.deleteWins()).runs(1);
        String first = HISTORY.objectIds().first();
        AssertionError missing = catchThrowableOfType(AssertionError.class, () -> check.check(HISTORY, batches ->
                materialize(MergePolicy.deleteWins(), batches).stream().filter(o -> !o.objectId().equals(first)).toList()));
        assertThat(missing.getMessage()).contains("object \"" + first + "\" is missing\n  expected: ");

        AssertionError extra = catchThrowableOfType(AssertionError.class, () -> check.check(HISTORY, batches -> {
            List<MaterializedObject> objects = new ArrayList<>(materialize(MergePolicy.deleteWins(), batches));
            objects.add(new MaterializedObject("zz-extra", "note", List.of(), null, true, VectorClock.of("a", 1),
                    VectorClock.of("a", 1), "x", 1));
            return objects;
        }));
        assertThat(extra.getMessage()).contains("object \"zz-extra\" is not in the history\n  actual:   ");

        AssertionError twice = catchThrowableOfType(AssertionError.class, () -> check.check(HISTORY, batches -> {
            List<MaterializedObject> objects = new ArrayList<>(materialize(MergePolicy.deleteWins(), batches));
            objects.add(objects.get(0));
            return objects;
        }));
        assertThat(twice.getMessage()).contains("was returned twice");
    }

    @Test
    void anExceptionFromTheSystemFailsTheCheckWithTheRun() {
        IllegalStateException boom = new IllegalStateException("connection refused");
        AssertionError e = catchThrowableOfType(AssertionError.class, () -> ConvergenceCheck.of(MergePolicy.deleteWins())
                .check(HISTORY, batches -> {
                    throw boom;
                }));
        assertThat(e).hasCause(boom);
        assertThat(e.getMessage()).startsWith("run 1 of 10 (seed 0; ").contains("the subject threw");
    }
}
