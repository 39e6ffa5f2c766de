package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaterializerTest {
    private static Op update(String id, String object, VectorClock clock, String payload) {
        return Op.update(id, object, "note", clock, Payload.parse(payload));
    }

    @Test
    void resentOpThatWasSupersededIsADuplicateNotStale() {
        Materializer m = Materializer.create();
        Op a1 = update("a1", "doc", VectorClock.of("a", 1), "1");
        m.apply(a1);
        m.apply(update("a2", "doc", VectorClock.of("a", 2), "2"));
        assertThat(m.apply(a1).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(m.get("doc").winnerOpId()).isEqualTo("a2");
    }

    @Test
    void opIdReusedForAnotherObjectIsRejected() {
        Materializer m = Materializer.create();
        m.apply(update("a1", "doc", VectorClock.of("a", 1), "1"));
        assertThatThrownBy(() -> m.apply(update("a1", "other", VectorClock.of("a", 1), "1")))
                .isInstanceOf(OpIdReusedException.class);
        assertThat(m.find("other")).isEmpty();
    }

    @Test
    void batchWithAReusedIdAppliesNothing() {
        Materializer m = Materializer.create();
        m.apply(update("a1", "doc", VectorClock.of("a", 1), "1"));
        List<Op> batch = List.of(update("b1", "doc", VectorClock.of("b", 1), "5"),
                update("c1", "new", VectorClock.of("c", 1), "5"),
                update("a1", "doc", VectorClock.of("a", 1), "\"changed\""));
        assertThatThrownBy(() -> m.applyAll(batch)).isInstanceOf(OpIdReusedException.class)
                .hasMessageContaining("\"a1\"");
        assertThat(m.get("doc").heads()).extracting(Op::opId).containsExactly("a1");
        assertThat(m.find("new")).isEmpty();
        assertThat(m.opCount()).isEqualTo(1);
    }

    @Test
    void idReusedWithinOneBatchIsRejected() {
        Materializer m = Materializer.create();
        List<Op> batch = List.of(update("x", "doc", VectorClock.of("a", 1), "1"),
                update("x", "doc", VectorClock.of("a", 1), "2"));
        assertThatThrownBy(() -> m.applyAll(batch)).isInstanceOf(OpIdReusedException.class);
        assertThat(m.objects()).isEmpty();
    }

    @Test
    void sameOpTwiceInOneBatchIsAppliedThenDuplicate() {
        Materializer m = Materializer.create();
        Op x = update("x", "doc", VectorClock.of("a", 1), "1");
        assertThat(m.applyAll(List.of(x, x))).extracting(ApplyResult::outcome)
                .containsExactly(Outcome.APPLIED, Outcome.DUPLICATE);
    }

    @Test
    void objectsAreListedInUtf8ByteOrderOfTheirIds() {
        Materializer m = Materializer.create();
        m.apply(update("1", "\uD83D\uDE80", VectorClock.of("a", 1), "1"));
        m.apply(update("2", "\uFF5E", VectorClock.of("a", 1), "1"));
        m.apply(update("3", "B", VectorClock.of("a", 1), "1"));
        m.apply(update("4", "a", VectorClock.of("a", 1), "1"));
        assertThat(m.objects()).extracting(ObjectState::objectId)
                .containsExactly("B", "a", "\uFF5E", "\uD83D\uDE80");
    }

    @Test
    void getOfUnknownObjectThrowsAndFindIsEmpty() {
        Materializer m = Materializer.create();
        assertThat(m.find("nope")).isEmpty();
        assertThatThrownBy(() -> m.get("nope")).isInstanceOf(NoSuchElementException.class).hasMessageContaining("nope");
    }
}
