package dev.syncmat.core.clock;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Laws of {@link VectorClock}. Clocks are drawn from few actors (including two whose UTF-16 and
 * UTF-8 orders differ) and few counters, so that every one of the four relations occurs often.
 * Some counters sit around {@link Integer#MAX_VALUE}, where a clock switches from int to long
 * counters, so that clocks of both forms meet. The reference model is a plain map of actor to
 * counter.
 */
class VectorClockProperties {

    @Provide
    Arbitrary<Map<String, Long>> entries() {
        Arbitrary<String> actors = Arbitraries.of("a", "b", "c", "\u00E9", "\uFF5E", "\uD83D\uDE80");
        Arbitrary<Long> counters = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(1, 4)),
                Tuple.of(1, Arbitraries.longs().between(Integer.MAX_VALUE - 1L, Integer.MAX_VALUE + 2L)));
        return Arbitraries.maps(actors, counters).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> actors() {
        return Arbitraries.of("a", "b", "d", "\uFF5E", "\uD83D\uDE80", "\uD800\uDC00");
    }

    @Property(tries = 1000)
    void compareAgreesWithThePointwiseModel(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        assertThat(VectorClock.of(x).compare(VectorClock.of(y))).isEqualTo(modelCompare(x, y));
    }

    @Property(tries = 1000)
    void compareIsAntisymmetric(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        assertThat(b.compare(a)).isEqualTo(mirror(a.compare(b)));
    }

    @Property(tries = 1000)
    void compareIsEqualExactlyForEqualClocks(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        assertThat(a.compare(VectorClock.of(new HashMap<>(x)))).isEqualTo(ClockOrder.EQUAL);
        assertThat(a.compare(b) == ClockOrder.EQUAL).isEqualTo(x.equals(y)).isEqualTo(a.equals(b));
        if (a.equals(b)) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
    }

    @Property(tries = 1000)
    void mergeIsThePointwiseMaximum(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        Map<String, Long> max = new HashMap<>(x);
        y.forEach((actor, counter) -> max.merge(actor, counter, Math::max));
        assertThat(VectorClock.of(x).merge(VectorClock.of(y))).isEqualTo(VectorClock.of(max));
    }

    @Property(tries = 1000)
    void mergeIsCommutative(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
    }

    @Property(tries = 1000)
    void mergeIsAssociative(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y,
                            @ForAll("entries") Map<String, Long> z) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        VectorClock c = VectorClock.of(z);
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
    }

    @Property(tries = 1000)
    void mergeIsIdempotent(@ForAll("entries") Map<String, Long> x) {
        VectorClock a = VectorClock.of(x);
        assertThat(a.merge(a)).isEqualTo(a);
        assertThat(a.merge(VectorClock.of(new HashMap<>(x)))).isEqualTo(a);
    }

    @Property(tries = 1000)
    void mergeDominatesOrEqualsBothInputs(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        VectorClock merged = a.merge(b);
        assertThat(merged.compare(a)).isIn(ClockOrder.AFTER, ClockOrder.EQUAL);
        assertThat(merged.compare(b)).isIn(ClockOrder.AFTER, ClockOrder.EQUAL);
    }

    @Property(tries = 1000)
    void compareAndMergeDoNotDependOnActorIdIdentity(@ForAll("entries") Map<String, Long> x,
                                                     @ForAll("entries") Map<String, Long> y) {
        // Shared id instances take the lockstep fast path; copies take the general walk.
        VectorClock a = VectorClock.of(x);
        VectorClock shared = VectorClock.of(y);
        VectorClock copied = VectorClock.of(copyKeys(y));
        assertThat(a.compare(copied)).isEqualTo(a.compare(shared)).isEqualTo(modelCompare(x, y));
        assertThat(copied.compare(a)).isEqualTo(shared.compare(a)).isEqualTo(modelCompare(y, x));
        assertThat(a.merge(copied)).isEqualTo(a.merge(shared));
        assertThat(copied.merge(a)).isEqualTo(shared.merge(a));
    }

    @Property(tries = 1000)
    void mergeReturnsTheCoveringInputItself(@ForAll("entries") Map<String, Long> x, @ForAll("entries") Map<String, Long> y) {
        VectorClock a = VectorClock.of(x);
        VectorClock b = VectorClock.of(y);
        switch (a.compare(b)) {
            case EQUAL, AFTER -> assertThat(a.merge(b)).isSameAs(a);
            case BEFORE -> assertThat(a.merge(b)).isSameAs(b);
            case CONCURRENT -> assertThat(a.merge(b)).isNotSameAs(a).isNotSameAs(b);
        }
    }

    @Property(tries = 1000)
    void incrementIsAfterTheOriginal(@ForAll("entries") Map<String, Long> x, @ForAll("actors") String actor) {
        VectorClock a = VectorClock.of(x);
        VectorClock next = a.increment(actor);
        assertThat(next.compare(a)).isEqualTo(ClockOrder.AFTER);
        assertThat(a.compare(next)).isEqualTo(ClockOrder.BEFORE);
        assertThat(next.get(actor)).isEqualTo(x.getOrDefault(actor, 0L) + 1);
        Map<String, Long> expected = new HashMap<>(x);
        expected.merge(actor, 1L, Long::sum);
        assertThat(next).isEqualTo(VectorClock.of(expected));
        assertThat(a).isEqualTo(VectorClock.of(x));
    }

    private static ClockOrder modelCompare(Map<String, Long> x, Map<String, Long> y) {
        Set<String> actors = new HashSet<>(x.keySet());
        actors.addAll(y.keySet());
        boolean less = false;
        boolean greater = false;
        for (String actor : actors) {
            long cx = x.getOrDefault(actor, 0L);
            long cy = y.getOrDefault(actor, 0L);
            less |= cx < cy;
            greater |= cx > cy;
        }
        if (less && greater) {
            return ClockOrder.CONCURRENT;
        }
        return less ? ClockOrder.BEFORE : greater ? ClockOrder.AFTER : ClockOrder.EQUAL;
    }

    private static Map<String, Long> copyKeys(Map<String, Long> m) {
        Map<String, Long> copy = new HashMap<>();
        m.forEach((actor, counter) -> copy.put(new String(actor), counter));
        return copy;
    }

    private static ClockOrder mirror(ClockOrder order) {
        return switch (order) {
            case BEFORE -> ClockOrder.AFTER;
            case AFTER -> ClockOrder.BEFORE;
            case EQUAL -> ClockOrder.EQUAL;
            case CONCURRENT -> ClockOrder.CONCURRENT;
        };
    }
}
