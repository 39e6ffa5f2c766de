package dev.syncmat.core.testing;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;

import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Uses every plain-Java part of the kit the way a team without jqwik would, and returns what it
 * saw. {@link KitWithoutJqwikTest} runs it in a class loader that has no jqwik (and no AssertJ,
 * so this class checks by hand).
 */
public final class PlainKitUse implements Supplier<String> {
    @Override
    public String get() {
        CausalHistory history = CausalHistories.defaults().replicas(3).objects(4).steps(80).generate(1);
        Map<String, MaterializedObject> model = ReferenceModel.of(MergePolicy.deleteWins()).materialize(history.ops());
        MergePolicyLaws.check(MergePolicy.deleteWins(), 1, 50);
        ConvergenceCheck.of(MergePolicy.deleteWins()).runs(3).check(history, batches -> {
            Materializer m = Materializer.create();
            batches.forEach(m::applyAll);
            return m.objects().stream().map(MaterializedObject::of).toList();
        });
        SyncJson json = SyncJson.create();
        Op first = history.ops().get(0);
        JsonMutations.Mutant mutant = JsonMutations.mutate(json.writeOp(first), 2, new Random(1));
        if (model.isEmpty() || mutant.mutations().size() != 2) {
            throw new AssertionError("the kit did nothing: " + model + " " + mutant);
        }
        return history.ops().size() + " ops, " + model.size() + " objects";
    }
}
