package dev.syncmat.core.testing;

import dev.syncmat.core.op.Op;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * jqwik generators for the kit: realistic offline histories ({@link CausalHistories}) and the
 * awkward ops {@link MergePolicyLaws} compares. Histories are generated as the simulation's steps,
 * so jqwik shrinks a failing history to fewer and simpler steps (fewer replicas, objects and ops).
 *
 * <p>This is the only class of the kit that needs jqwik (an optional dependency of sync-core: add
 * {@code net.jqwik:jqwik} to your test dependencies to use it). Thread-safe: stateless.
 */
public final class CausalHistoryArbitraries {
    private CausalHistoryArbitraries() {
    }

    /** Histories with the default settings: 2 to 5 replicas, 1 to 6 objects, 1 to 60 steps. */
    public static Arbitrary<CausalHistory> histories() {
        return histories(CausalHistories.defaults());
    }

    /** Histories with the given settings; the numbers of replicas, objects and steps shrink to their minimum. */
    public static Arbitrary<CausalHistory> histories(CausalHistories settings) {
        return Combinators.combine(Arbitraries.integers().between(settings.minReplicas, settings.maxReplicas),
                        Arbitraries.integers().between(settings.minObjects, settings.maxObjects))
                .flatAs((replicas, objects) -> steps(settings, replicas, objects).list()
                        .ofMinSize(settings.minSteps).ofMaxSize(settings.maxSteps)
                        .map(steps -> settings.interpret(replicas, objects, steps)));
    }

    private static Arbitrary<CausalHistories.Step> steps(CausalHistories settings, int replicas, int objects) {
        Arbitrary<Integer> replica = Arbitraries.integers().between(0, replicas - 1);
        Arbitrary<Integer> object = Arbitraries.integers().between(0, objects - 1);
        // Uniform and without edge cases, not jqwik's default bias towards the ends of the range:
        // a feature must be switched on at its rate, as in CausalHistories.generate.
        Arbitrary<Integer> roll = Arbitraries.integers().between(0, CausalHistories.BASIS - 1)
                .withDistribution(RandomDistribution.uniform()).withoutEdgeCases();
        // As in CausalHistories.generate: the lower of two draws, so that some replicas are busier
        // and some objects hotter.
        Arbitrary<Integer> editedObject = Combinators.combine(object, object).as(Math::min);
        Arbitrary<Integer> editor = Combinators.combine(replica, replica).as(Math::min);
        Arbitrary<CausalHistories.Step> edit = Combinators.combine(editor, editedObject, roll, roll, roll, roll,
                        Arbitraries.integers().between(0, (1 << CausalHistories.TAGS.size()) - 1),
                        Arbitraries.integers().between(0, settings.payloads.size() - 1))
                .as(CausalHistories.Edit::new);
        Arbitrary<CausalHistories.Step> sync = replica.map(CausalHistories.Sync::new);
        Arbitrary<CausalHistories.Step> gossip = Combinators.combine(replica, replica, object).as(CausalHistories.Gossip::new);
        int syncs = settings.syncBasisPoints();
        int gossips = settings.gossipBasisPoints();
        int edits = CausalHistories.BASIS - syncs - gossips;
        List<Tuple.Tuple2<Integer, Arbitrary<CausalHistories.Step>>> mix = new ArrayList<>();
        if (edits > 0) {
            mix.add(Tuple.of(edits, edit));
        }
        if (syncs > 0) {
            mix.add(Tuple.of(syncs, sync));
        }
        if (gossips > 0) {
            mix.add(Tuple.of(gossips, gossip));
        }
        return Arbitraries.frequencyOf(mix);
    }

    /**
     * One to three awkward ops for {@link MergePolicyLaws#checkOn}: the same pools as
     * {@link MergePolicyLaws#check()}, each op shrinking towards the simplest values.
     */
    public static Arbitrary<List<Op>> policyOps() {
        return policyOps(new String[0]);
    }

    /**
     * As {@link #policyOps()}, with payloads of your domain (JSON texts) before the awkward ones.
     *
     * @throws dev.syncmat.core.op.InvalidOpException if a text is not one JSON value
     */
    public static Arbitrary<List<Op>> policyOps(String... payloads) {
        AwkwardOps pool = new AwkwardOps(List.of(payloads));
        int[] sizes = AwkwardOps.sizes(pool.payloadCount());
        Arbitrary<Integer>[] fields = fieldArbitraries(sizes);
        Arbitrary<AwkwardOps.Choice> choice = Combinators.combine(fields[0], fields[1], fields[2], fields[3], fields[4],
                fields[5], fields[6], fields[7]).as(AwkwardOps.Choice::new);
        // Later ops copy the first op's fields where a mask bit is set, so that near ties are common.
        return Combinators.combine(choice.list().ofMinSize(1).ofMaxSize(3),
                        Arbitraries.integers().between(0, (1 << sizes.length) - 1).list().ofSize(2))
                .as((choices, masks) -> {
                    List<Op> ops = new ArrayList<>();
                    int[] first = choices.get(0).toArray();
                    for (int i = 0; i < choices.size(); i++) {
                        int[] v = choices.get(i).toArray();
                        if (i > 0) {
                            int mask = masks.get(i - 1);
                            for (int f = 0; f < v.length; f++) {
                                if ((mask & (1 << f)) != 0) {
                                    v[f] = first[f];
                                }
                            }
                        }
                        ops.add(pool.op(AwkwardOps.Choice.ofArray(v)));
                    }
                    return ops;
                });
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<Integer>[] fieldArbitraries(int[] sizes) {
        Arbitrary<Integer>[] fields = new Arbitrary[sizes.length];
        for (int f = 0; f < sizes.length; f++) {
            fields[f] = Arbitraries.integers().between(0, sizes[f] - 1);
        }
        return fields;
    }
}
