package dev.syncmat.core.clock;

import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContextAliasesTest {
    private static final MergeEngine ENGINE = MergeEngine.create();

    private static Op op(String id, VectorClock clock) {
        return Op.update(id, "o", "note", clock, Payload.parse("\"" + id + "\""));
    }

    @Test
    void withoutAliasesNothingChanges() {
        VectorClock c = VectorClock.of("a", 2, "b", 1);
        assertThat(ContextAliases.none().expand(c)).isSameAs(c);
        assertThat(ContextAliases.none().compress(c)).isSameAs(c);
        assertThat(ContextAliases.none().next(c, 2)).isEmpty();
        assertThat(ContextAliases.none().next(c, 1)).contains(c);
    }

    @Test
    void aliasStandsForTheContextItWasMadeFrom() {
        VectorClock b1 = VectorClock.of("a", 2, "b", 1);
        ContextAliases one = ContextAliases.none().with(b1);
        VectorClock later = b1.increment("c").increment("a");
        VectorClock served = one.compress(later);
        assertThat(served).isEqualTo(VectorClock.of("~", 1, "a", 3, "c", 1));
        assertThat(one.expand(served)).isEqualTo(later);
        ContextAliases two = one.with(served);
        assertThat(two.compress(later)).isEqualTo(VectorClock.of("~", 2));
        assertThat(two.clockOf(1)).isEqualTo(b1);
        assertThat(two.clockOf(2)).isEqualTo(later);
        assertThat(two.expand(VectorClock.of("~", 1, "d", 4))).isEqualTo(b1.merge(VectorClock.of("d", 4)));
    }

    @Test
    void storedFormsAreWhatWithWasGivenAndReadBackToTheSameAliases() {
        VectorClock b1 = VectorClock.of("a", 2, "b", 1);
        ContextAliases one = ContextAliases.none().with(b1);
        VectorClock second = one.compress(b1.increment("c").increment("a"));
        ContextAliases two = one.with(second);
        assertThat(two.stored(1)).isEqualTo(b1);
        assertThat(two.stored(2)).isEqualTo(second).isEqualTo(VectorClock.of("~", 1, "a", 3, "c", 1));
        ContextAliases again = ContextAliases.none().with(two.stored(1)).with(two.stored(2));
        assertThat(again.clockOf(1)).isEqualTo(two.clockOf(1));
        assertThat(again.clockOf(2)).isEqualTo(two.clockOf(2));
        assertThatThrownBy(() -> two.stored(3)).isInstanceOf(InvalidClockException.class).hasMessageContaining("latest is 2");
        assertThatThrownBy(() -> two.stored(0)).isInstanceOf(InvalidClockException.class);
    }

    @Test
    void unknownAliasIsRefused() {
        ContextAliases one = ContextAliases.none().with(VectorClock.of("a", 1));
        assertThatThrownBy(() -> one.expand(VectorClock.of("~", 2, "a", 1)))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("alias \"~\": 2");
        assertThatThrownBy(() -> ContextAliases.none().expand(VectorClock.of("~", 1)))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("no aliases");
    }

    @Test
    void aliasMustBeStoredRelativeToTheOneBefore() {
        assertThatThrownBy(() -> ContextAliases.none().with(VectorClock.of("~", 1, "a", 1)))
                .isInstanceOf(InvalidClockException.class);
        ContextAliases one = ContextAliases.none().with(VectorClock.of("a", 1));
        assertThatThrownBy(() -> one.with(VectorClock.of("a", 2))).isInstanceOf(InvalidClockException.class);
    }

    @Test
    void actorsStartingWithTheAliasActorAreReservedInOps() {
        assertThatThrownBy(() -> op("x", VectorClock.of("~me", 1)))
                .isInstanceOf(InvalidOpException.class)
                .hasMessageContaining("reserved")
                .satisfies(e -> assertThat(((InvalidOpException) e).field()).isEqualTo("clock"));
        assertThat(op("x", VectorClock.of("~", 1, "me", 1)).clock().get("~")).isEqualTo(1);
    }

    @Test
    void causalClockIsLeftOutOfEquality() {
        Op sent = op("x", VectorClock.of("~", 1, "me", 1));
        Op expanded = sent.withCausalClock(VectorClock.of("a", 3, "me", 1));
        assertThat(expanded).isEqualTo(sent);
        assertThat(expanded.clock()).isEqualTo(sent.clock());
        assertThat(expanded.causalClock()).isEqualTo(VectorClock.of("a", 3, "me", 1));
        assertThatThrownBy(() -> sent.withCausalClock(VectorClock.of("~", 1))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * 1,100 clients one after another take the served context, increment their own actor and
     * write: each write supersedes the object, and neither the served context nor any sent clock
     * grows past the threshold plus one or two entries.
     */
    @Test
    void manyActorsOneAfterAnotherNeverFreezeTheObject() {
        int threshold = 64;
        ContextAliases aliases = ContextAliases.none();
        ObjectState state = null;
        int maxServed = 0;
        int maxSent = 0;
        for (int i = 0; i < 1100; i++) {
            VectorClock served = state == null ? VectorClock.empty() : aliases.compress(state.context());
            maxServed = Math.max(maxServed, served.size());
            VectorClock sent = served.increment(String.format("actor-%04d", i));
            maxSent = Math.max(maxSent, sent.size());
            ApplyResult r = ENGINE.apply(state, op("op-" + i, sent).withCausalClock(aliases.expand(sent)));
            assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
            state = r.state();
            var next = aliases.next(state.context(), threshold);
            if (next.isPresent()) {
                aliases = aliases.with(next.get());
            }
        }
        assertThat(state.context().size()).isEqualTo(1100);
        assertThat(state.headCount()).isEqualTo(1);
        assertThat(maxServed).isLessThanOrEqualTo(threshold + 1);
        assertThat(maxSent).isLessThanOrEqualTo(threshold + 2);
        assertThat(aliases.latest()).isGreaterThan(1);
    }

    /** 1,001 concurrent single-actor ops, then one client that writes from the served context collapses them. */
    @Test
    void thousandAndOneConcurrentHeadsCollapseUnderOneWrite() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            ops.add(op(String.format("c-%04d", i), VectorClock.of(String.format("actor-%04d", i), 1)));
        }
        ObjectState state = ENGINE.restore("o", ops);
        assertThat(state.headCount()).isEqualTo(1001);
        ContextAliases aliases = ContextAliases.none().with(ContextAliases.none().next(state.context(), 64).orElseThrow());
        VectorClock served = aliases.compress(state.context());
        assertThat(served).isEqualTo(VectorClock.of("~", 1));
        VectorClock sent = served.increment("late");
        ApplyResult r = ENGINE.apply(state, op("late-1", sent).withCausalClock(aliases.expand(sent)));
        assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(r.state().headCount()).isEqualTo(1);
    }
}
