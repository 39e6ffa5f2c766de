package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three-op example that makes a pairwise "compare with the current winner" rule diverge:
 * X {a:1} "zzz", Y {b:1} "mmm", Z {a:2} "aaa". Z dominates X; Y is concurrent with both.
 */
class SpecExampleTest {
    static final Op X = Op.update("X", "doc", "note", VectorClock.of("a", 1), Payload.parse("\"zzz\""));
    static final Op Y = Op.update("Y", "doc", "note", VectorClock.of("b", 1), Payload.parse("\"mmm\""));
    static final Op Z = Op.update("Z", "doc", "note", VectorClock.of("a", 2), Payload.parse("\"aaa\""));

    static Stream<Arguments> allSixOrders() {
        return Stream.of(
                Arguments.of(List.of(X, Y, Z)), Arguments.of(List.of(X, Z, Y)), Arguments.of(List.of(Y, X, Z)),
                Arguments.of(List.of(Y, Z, X)), Arguments.of(List.of(Z, X, Y)), Arguments.of(List.of(Z, Y, X)));
    }

    @ParameterizedTest
    @MethodSource("allSixOrders")
    void everyOrderEndsWithHeadsYAndZAndWinnerY(List<Op> order) {
        ObjectState state = null;
        MergeEngine engine = MergeEngine.create();
        for (Op op : order) {
            state = engine.apply(state, op).state();
        }
        assertThat(state.heads()).containsExactly(Y, Z);
        assertThat(state.winnerOpId()).isEqualTo("Y");
        assertThat(state.payload().json()).isEqualTo("\"mmm\"");
        assertThat(state.context()).isEqualTo(VectorClock.of("a", 2, "b", 1));
        assertThat(state.clock()).isEqualTo(VectorClock.of("b", 1));
    }

    @ParameterizedTest
    @MethodSource("allSixOrders")
    void theRunbooksPairwiseRuleDivergesOnTheSameOrders(List<Op> order) {
        // The rule the heads replace: compare each op only with the current winner; when
        // concurrent, the greater payload wins. Kept here to show what the design avoids.
        Op winner = null;
        for (Op op : order) {
            if (winner == null || op.clock().dominates(winner.clock())) {
                winner = op;
            } else if (!winner.clock().dominates(op.clock())
                    && Payload.compare(op.payload(), winner.payload()) > 0) {
                winner = op;
            }
        }
        Map<List<Op>, String> pairwiseWinners = new HashMap<>();
        pairwiseWinners.put(List.of(X, Y, Z), "Z");
        pairwiseWinners.put(List.of(X, Z, Y), "Y");
        pairwiseWinners.put(List.of(Y, Z, X), "X");
        if (pairwiseWinners.containsKey(order)) {
            assertThat(winner.opId()).isEqualTo(pairwiseWinners.get(order));
        }
    }
}
