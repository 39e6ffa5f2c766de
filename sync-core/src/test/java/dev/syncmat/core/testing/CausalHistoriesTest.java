package dev.syncmat.core.testing;

import dev.syncmat.core.op.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CausalHistoriesTest {
    private static final CausalHistories BUSY = CausalHistories.defaults().replicas(5).objects(8).steps(200);

    private static List<CausalHistory> histories(CausalHistories settings, int count) {
        return LongStream.rangeClosed(1, count).mapToObj(settings::generate).toList();
    }

    private static boolean anyHistory(List<CausalHistory> histories, Predicate<CausalHistory> p) {
        return histories.stream().anyMatch(p);
    }

    /** Pairs of different ops of the same object. */
    private static List<Op[]> pairs(CausalHistory h) {
        List<Op[]> pairs = new ArrayList<>();
        for (int i = 0; i < h.ops().size(); i++) {
            for (int j = i + 1; j < h.ops().size(); j++) {
                if (h.ops().get(i).objectId().equals(h.ops().get(j).objectId())) {
                    pairs.add(new Op[] {h.ops().get(i), h.ops().get(j)});
                }
            }
        }
        return pairs;
    }

    @Test
    void theSameSettingsAndSeedGiveTheSameHistory() {
        assertThat(BUSY.generate(5)).isEqualTo(BUSY.generate(5));
        assertThat(BUSY.generate(5)).isNotEqualTo(BUSY.generate(6));
    }

    @Test
    void opsAreInCausalOrderWithUniqueIdsUnlessAClockIsReused() {
        for (CausalHistory h : histories(BUSY.clockReuseRate(0), 30)) {
            assertThat(h.ops().stream().map(Op::opId).distinct().count()).isEqualTo(h.ops().size());
            for (int i = 0; i < h.ops().size(); i++) {
                for (int j = i + 1; j < h.ops().size(); j++) {
                    Op earlier = h.ops().get(i);
                    Op later = h.ops().get(j);
                    assertThat(later.objectId().equals(earlier.objectId())
                            && ReferenceModel.happenedBefore(later.clock(), earlier.clock()))
                            .as("op %d happened before the earlier op %d", j, i).isFalse();
                }
            }
        }
    }

    @Test
    void defaultHistoriesHoldTheAwkwardCases() {
        List<CausalHistory> hs = histories(BUSY, 30);
        // Astral-plane actor and object ids.
        assertThat(anyHistory(hs, h -> h.ops().stream().anyMatch(op -> op.clock().toMap().containsKey("\uD835\uDD37eta")))).isTrue();
        assertThat(anyHistory(hs, h -> h.objectIds().contains("\uD835\uDD2Cbj"))).isTrue();
        // Two different ops of one object with equal clocks (a replica that crashed), and so an op
        // written after one that its clock happened before.
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> p[0].clock().equals(p[1].clock())))).isTrue();
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> ReferenceModel.happenedBefore(p[1].clock(),
                p[0].clock())))).isTrue();
        // Concurrent ops that tie on the payload, and a payload written two ways ({"t":1.0} and {"t":1}).
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> !p[0].isDelete() && !p[1].isDelete()
                && p[0].payload().equals(p[1].payload()) && !ReferenceModel.happenedBefore(p[0].clock(), p[1].clock())))).isTrue();
        assertThat(CausalHistories.PAYLOADS).contains("{\"t\":1}", "{\"t\":1.0}", "1", "1e0");
        // Resurrection: an update that had seen a delete of its object.
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> p[0].isDelete() && !p[1].isDelete()
                && ReferenceModel.happenedBefore(p[0].clock(), p[1].clock())))).isTrue();
        // Gossip and syncs: clocks that carry other replicas' counters.
        assertThat(anyHistory(hs, h -> h.ops().stream().anyMatch(op -> op.clock().size() >= 3))).isTrue();
        // Objects whose type and tags change.
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> !p[0].objectType().equals(p[1].objectType())))).isTrue();
        assertThat(anyHistory(hs, h -> pairs(h).stream().anyMatch(p -> !p[0].tags().equals(p[1].tags())))).isTrue();
    }

    @Test
    void ratesOfZeroSwitchFeaturesOff() {
        CausalHistories plain = BUSY.deleteRate(0).clockReuseRate(0).typeChangeRate(0).retagRate(0);
        for (CausalHistory h : histories(plain, 20)) {
            assertThat(h.ops()).noneMatch(Op::isDelete);
            for (Op[] p : pairs(h)) {
                assertThat(p[0].clock()).isNotEqualTo(p[1].clock());
                assertThat(p[0].objectType()).isEqualTo(p[1].objectType());
                assertThat(p[0].tags()).isEqualTo(p[1].tags());
            }
        }
        // Replicas that never sync or gossip only ever know their own edits.
        for (CausalHistory h : histories(BUSY.syncRate(0).gossipRate(0), 10)) {
            assertThat(h.ops()).isNotEmpty().allMatch(op -> op.clock().size() == 1);
        }
        assertThat(histories(BUSY.deleteRate(1), 5)).allMatch(h -> h.ops().stream().allMatch(Op::isDelete));
        assertThat(histories(BUSY.gossipRate(0).syncRate(1), 5)).allMatch(h -> h.ops().isEmpty());
    }

    @Test
    void replicasObjectsStepsAndPayloadsAreAsConfigured() {
        CausalHistories settings = CausalHistories.defaults().replicas(3).objects(4).steps(50)
                .payloads("{\"n\":1}", "{\"n\":2.0}");
        for (CausalHistory h : histories(settings, 10)) {
            assertThat(h.actors()).containsExactly("alice", "bob", "c3");
            assertThat(h.ops()).hasSizeLessThanOrEqualTo(50);
            assertThat(h.objectIds()).isSubsetOf("note-1", "note-2", "task-\u00c4", "\uD835\uDD2Cbj");
            Set<String> payloads = h.ops().stream().filter(op -> !op.isDelete()).map(op -> op.payload().json())
                    .collect(Collectors.toSet());
            assertThat(payloads).isSubsetOf("{\"n\":1}", "{\"n\":2}");
        }
        for (CausalHistory h : histories(CausalHistories.defaults().replicas(2, 3).objects(1, 2).steps(0, 10), 30)) {
            assertThat(h.actors().size()).isBetween(2, 3);
            assertThat(h.objectIds().size()).isLessThanOrEqualTo(2);
            assertThat(h.ops().size()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void idsBeyondTheSpecialOnesArePlain() {
        assertThat(CausalHistories.objectId(0)).isEqualTo("note-1");
        assertThat(CausalHistories.objectId(6)).isEqualTo("obj-6");
        assertThat(CausalHistories.actorId(6)).isEqualTo("actor-6");
        CausalHistory h = CausalHistories.defaults().replicas(8).objects(9).steps(300).generate(3);
        assertThat(h.actors()).contains("actor-7");
        assertThat(h.objectIds()).contains("obj-8");
    }

    @Test
    void aHistoryOfGivenOpsTakesItsActorsFromTheClocks() {
        CausalHistory generated = BUSY.generate(9);
        CausalHistory wrapped = CausalHistory.of(generated.ops());
        assertThat(wrapped.ops()).isEqualTo(generated.ops());
        Set<String> actors = new HashSet<>();
        generated.ops().forEach(op -> actors.addAll(op.clock().toMap().keySet()));
        assertThat(wrapped.actors()).containsExactlyInAnyOrderElementsOf(actors);
        assertThat(wrapped.actors()).isSortedAccordingTo(ReferenceModel.UTF8);
        Map<String, List<Op>> byObject = generated.ops().stream().collect(Collectors.groupingBy(Op::objectId));
        byObject.forEach((id, ops) -> assertThat(generated.opsOf(id)).isEqualTo(ops));
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> CausalHistories.defaults().replicas(0))
                .hasMessage("replicas must be a range 1 <= min <= max, but was 0..0");
        assertThatThrownBy(() -> CausalHistories.defaults().steps(5, 4))
                .hasMessage("steps must be a range 0 <= min <= max, but was 5..4");
        assertThatThrownBy(() -> CausalHistories.defaults().deleteRate(1.5))
                .hasMessage("deleteRate must be between 0 and 1, but was 1.5");
        assertThatThrownBy(() -> CausalHistories.defaults().syncRate(0.95))
                .hasMessageStartingWith("syncRate + gossipRate must be between 0 and 1, but was 1.0");
        assertThatThrownBy(() -> CausalHistories.defaults().payloads()).hasMessage("payloads must not be empty");
    }
}
