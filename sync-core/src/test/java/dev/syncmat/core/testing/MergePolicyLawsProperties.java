package dev.syncmat.core.testing;

import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.List;
import java.util.Objects;

/** The laws from jqwik, the way a team runs them on its own policy, with jqwik's ops and shrinking. */
class MergePolicyLawsProperties {

    @Provide
    Arbitrary<List<Op>> ops() {
        return CausalHistoryArbitraries.policyOps();
    }

    @Provide
    Arbitrary<MergePolicy> lawful() {
        return Arbitraries.of(MergePolicy.deleteWins(), MergePolicy.updateWins(), new ExamplePolicies.LastWriterWins());
    }

    /** Antisymmetry, transitivity, determinism, independence and reasons, on jqwik's ops. */
    @Property(tries = 500)
    void lawfulPoliciesObeyTheLawsOnJqwiksOps(@ForAll("lawful") MergePolicy policy, @ForAll("ops") List<Op> ops) {
        MergePolicyLaws.of(policy).checkOn(ops);
        // The ops are awkward enough to matter: ties, deletes and payloads equal as JSON values.
        // A tie for the built-in policies: two deletes, or two updates with equal canonical payloads.
        Statistics.label("tie").collect(ops.size() > 1 && ops.get(0).isDelete() == ops.get(1).isDelete()
                && Objects.equals(ops.get(0).payload(), ops.get(1).payload()));
        Statistics.label("delete").collect(ops.stream().anyMatch(Op::isDelete));
        Statistics.label("tie").coverage(c -> c.check(true).percentage(p -> p >= 10));
        Statistics.label("delete").coverage(c -> c.check(true).percentage(p -> p >= 30));
    }
}
