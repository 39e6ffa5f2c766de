package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceModelTest {
    private static final ReferenceModel DELETE_WINS = ReferenceModel.of(MergePolicy.deleteWins());
    private static final ReferenceModel UPDATE_WINS = ReferenceModel.of(MergePolicy.updateWins());

    private static Op update(String id, String object, VectorClock clock, String payload) {
        return Op.update(id, object, "note", clock, Payload.parse(payload));
    }

    /** A policy that never tells ops apart, so that only the op id decides. */
    private static final MergePolicy ALWAYS_TIES = new MergePolicy() {
        @Override
        public int compare(Op a, Op b) {
            return 0;
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return ConflictReason.OP_ID_ORDER;
        }

        @Override
        public String id() {
            return "always-ties";
        }
    };

    @Test
    void theSpecExampleHasHeadsYAndZAndWinnerYInAnyOrder() {
        Op x = update("X", "o", VectorClock.of("a", 1), "\"zzz\"");
        Op y = update("Y", "o", VectorClock.of("b", 1), "\"mmm\"");
        Op z = update("Z", "o", VectorClock.of("a", 2), "\"aaa\"");
        MaterializedObject expected = new MaterializedObject("o", "note", List.of(), Payload.parse("\"mmm\""), false,
                VectorClock.of("b", 1), VectorClock.of("a", 2, "b", 1), "Y", 2);

        assertThat(DELETE_WINS.materialize(List.of(x, y, z))).containsExactly(java.util.Map.entry("o", expected));
        assertThat(DELETE_WINS.materialize(List.of(z, y, x, y, z))).containsExactly(java.util.Map.entry("o", expected));
        assertThat(DELETE_WINS.heads(List.of(x, y, z)).get("o")).containsExactly(y, z);
    }

    @Test
    void theWinnerOfADeleteAndAConcurrentUpdateDependsOnThePolicy() {
        Op u = update("u", "o", VectorClock.of("a", 1), "1");
        Op d = Op.delete("d", "o", "task", VectorClock.of("b", 1));

        MaterializedObject deleted = DELETE_WINS.materialize(List.of(u, d)).get("o");
        assertThat(deleted).isEqualTo(new MaterializedObject("o", "task", List.of(), null, true, VectorClock.of("b", 1),
                VectorClock.of("a", 1, "b", 1), "d", 2));
        MaterializedObject kept = UPDATE_WINS.materialize(List.of(u, d)).get("o");
        assertThat(kept).isEqualTo(new MaterializedObject("o", "note", List.of(), Payload.parse("1"), false,
                VectorClock.of("a", 1), VectorClock.of("a", 1, "b", 1), "u", 2));
    }

    @Test
    void anUpdateThatHadSeenTheDeleteResurrectsTheObject() {
        Op d = Op.delete("d", "o", "note", VectorClock.of("a", 1));
        Op u = update("u", "o", VectorClock.of("a", 1, "b", 1), "\"back\"");
        assertThat(DELETE_WINS.materialize(List.of(u, d)).get("o")).isEqualTo(new MaterializedObject("o", "note",
                List.of(), Payload.parse("\"back\""), false, VectorClock.of("a", 1, "b", 1),
                VectorClock.of("a", 1, "b", 1), "u", 1));
    }

    @Test
    void twoOpsWithEqualClocksAreBothHeadsAndTheGreaterOpIdInUtf8WinsATie() {
        // U+FFFF sorts after U+10000 in UTF-16 units, before it in UTF-8 bytes.
        Op bmp = update("\uFFFF", "o", VectorClock.of("a", 1), "1");
        Op astral = update("\uD800\uDC00", "o", VectorClock.of("a", 1), "1.0");
        ReferenceModel model = ReferenceModel.of(ALWAYS_TIES);
        MaterializedObject o = model.materialize(List.of(bmp, astral)).get("o");
        assertThat(o.winnerOpId()).isEqualTo("\uD800\uDC00");
        assertThat(o.heads()).isEqualTo(2);
        assertThat(model.heads(List.of(astral, bmp)).get("o")).containsExactly(bmp, astral);
        assertThat(model.rank(astral, bmp)).isPositive();
        assertThat(model.rank(bmp, astral)).isNegative();
    }

    @Test
    void objectsAreSortedByIdInUtf8ByteOrder() {
        List<Op> ops = List.of(update("1", "\uFFFF", VectorClock.of("a", 1), "1"),
                update("2", "\uD800\uDC00", VectorClock.of("a", 1), "1"), update("3", "a", VectorClock.of("a", 1), "1"));
        assertThat(DELETE_WINS.materialize(ops).keySet()).containsExactly("a", "\uFFFF", "\uD800\uDC00");
    }

    @Test
    void anOpIdUsedByTwoDifferentOpsIsRefused() {
        Op one = update("x", "o", VectorClock.of("a", 1), "1");
        Op other = update("x", "o", VectorClock.of("a", 1), "2");
        assertThatThrownBy(() -> DELETE_WINS.materialize(List.of(one, other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("op id \"x\" is used by two different ops");
    }

    @Test
    void happenedBeforeIsStrictDominanceWithMissingActorsAsZero() {
        assertThat(ReferenceModel.happenedBefore(VectorClock.of("a", 1), VectorClock.of("a", 2))).isTrue();
        assertThat(ReferenceModel.happenedBefore(VectorClock.of("a", 1), VectorClock.of("a", 1, "b", 1))).isTrue();
        assertThat(ReferenceModel.happenedBefore(VectorClock.of("a", 1), VectorClock.of("a", 1))).isFalse();
        assertThat(ReferenceModel.happenedBefore(VectorClock.of("a", 2), VectorClock.of("a", 1, "b", 5))).isFalse();
        assertThat(ReferenceModel.happenedBefore(VectorClock.of("a", 2), VectorClock.of("a", 1))).isFalse();
    }
}
