package dev.syncmat.core.testing;

import dev.syncmat.core.op.Op;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** The jqwik histories obey the same laws as the seeded ones. */
class CausalHistoriesProperties {

    @Provide
    Arbitrary<CausalHistory> small() {
        return CausalHistoryArbitraries.histories(CausalHistories.defaults().replicas(2, 3).objects(1, 2).steps(0, 20)
                .clockReuseRate(0));
    }

    /**
     * Causal order (without crashes that reuse a clock): no op happened before an op written
     * earlier; op ids are unique; the ranges hold.
     */
    @Property(tries = 300)
    void historiesAreInCausalOrderWithUniqueIdsWithinTheirRanges(@ForAll("small") CausalHistory h) {
        assertThat(h.actors().size()).isBetween(2, 3);
        assertThat(h.objectIds().size()).isLessThanOrEqualTo(2);
        assertThat(h.ops().size()).isLessThanOrEqualTo(20);
        assertThat(h.ops().stream().map(Op::opId).distinct().count()).isEqualTo(h.ops().size());
        for (int i = 0; i < h.ops().size(); i++) {
            for (int j = i + 1; j < h.ops().size(); j++) {
                Op earlier = h.ops().get(i);
                Op later = h.ops().get(j);
                assertThat(later.objectId().equals(earlier.objectId())
                        && ReferenceModel.happenedBefore(later.clock(), earlier.clock())).isFalse();
            }
        }
    }
}
