package dev.syncmat.core.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of realistic causal histories (see {@link History}). */
public final class Histories {
    private Histories() {
    }

    /** Histories of 2 to 5 replicas over 1 to 6 objects, up to {@code maxActions} steps. */
    public static Arbitrary<History> histories(int maxActions) {
        return Combinators.combine(Arbitraries.integers().between(2, 5), Arbitraries.integers().between(1, 6))
                .flatAs((replicas, objects) -> actions().list().ofMinSize(1).ofMaxSize(maxActions)
                        .map(list -> History.interpret(replicas, objects, list)));
    }

    /** Histories of up to 60 steps. */
    public static Arbitrary<History> histories() {
        return histories(60);
    }

    private static Arbitrary<History.Action> actions() {
        Arbitrary<Integer> replica = Arbitraries.integers().between(0, 4);
        Arbitrary<Integer> object = Arbitraries.integers().between(0, 5);
        Arbitrary<History.Action> edit = Combinators.combine(replica, object, Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, History.PAYLOADS.size() - 1), Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, 99))
                .as(History.Edit::new);
        Arbitrary<History.Action> sync = replica.map(History.Sync::new);
        Arbitrary<History.Action> gossip = Combinators.combine(replica, replica, object).as(History.Gossip::new);
        return Arbitraries.frequencyOf(Tuple.of(6, edit), Tuple.of(2, sync), Tuple.of(1, gossip));
    }
}
