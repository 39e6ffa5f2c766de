package dev.syncmat.core.clock;

import dev.syncmat.core.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VectorClockTest {
    private static final String ROCKET = "\uD83D\uDE80"; // U+1F680: UTF-16 D83D DE80, UTF-8 F0 9F 9A 80
    private static final String FULLWIDTH_TILDE = "\uFF5E"; // UTF-16 FF5E, UTF-8 EF BD 9E

    @Test
    void laterCounterOfTheSameActorIsAfter() {
        VectorClock one = VectorClock.of("a", 1);
        VectorClock two = VectorClock.of("a", 2);
        assertThat(one.compare(two)).isEqualTo(ClockOrder.BEFORE);
        assertThat(two.compare(one)).isEqualTo(ClockOrder.AFTER);
        assertThat(two.dominates(one)).isTrue();
        assertThat(one.dominates(two)).isFalse();
    }

    @Test
    void sameEntriesAreEqual() {
        VectorClock x = VectorClock.of("a", 1, "b", 2);
        VectorClock y = VectorClock.of("b", 2, "a", 1);
        assertThat(x.compare(y)).isEqualTo(ClockOrder.EQUAL);
        assertThat(x.compare(x)).isEqualTo(ClockOrder.EQUAL);
        assertThat(x.dominates(y)).isFalse();
    }

    @Test
    void disjointActorsAreConcurrent() {
        VectorClock a = VectorClock.of("a", 1);
        VectorClock b = VectorClock.of("b", 1);
        assertThat(a.compare(b)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(b.compare(a)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(a.dominates(b)).isFalse();
        assertThat(b.dominates(a)).isFalse();
    }

    @Test
    void crossedCountersAreConcurrent() {
        VectorClock x = VectorClock.of("a", 2, "b", 1);
        VectorClock y = VectorClock.of("a", 1, "b", 2);
        assertThat(x.compare(y)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(y.compare(x)).isEqualTo(ClockOrder.CONCURRENT);
    }

    @Test
    void missingActorCountsZero() {
        VectorClock small = VectorClock.of("a", 1);
        VectorClock big = VectorClock.of("a", 1, "b", 1);
        assertThat(small.compare(big)).isEqualTo(ClockOrder.BEFORE);
        assertThat(big.compare(small)).isEqualTo(ClockOrder.AFTER);
        assertThat(small.get("b")).isZero();
        assertThat(big.get("b")).isEqualTo(1);
        // missing actors on both sides, but each side is ahead somewhere
        assertThat(VectorClock.of("a", 2, "c", 1).compare(VectorClock.of("a", 3, "b", 1))).isEqualTo(ClockOrder.CONCURRENT);
    }

    @Test
    void emptyClockIsBeforeEveryOtherClock() {
        VectorClock empty = VectorClock.empty();
        assertThat(empty.compare(VectorClock.empty())).isEqualTo(ClockOrder.EQUAL);
        assertThat(empty.compare(VectorClock.of(new HashMap<>()))).isEqualTo(ClockOrder.EQUAL);
        assertThat(empty.compare(VectorClock.of("a", 1))).isEqualTo(ClockOrder.BEFORE);
        assertThat(VectorClock.of("a", 1).compare(empty)).isEqualTo(ClockOrder.AFTER);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.size()).isZero();
        assertThat(empty.toJson()).isEqualTo("{}");
    }

    @Test
    void mergeTakesThePointwiseMaximum() {
        VectorClock x = VectorClock.of("a", 1, "b", 5);
        VectorClock y = VectorClock.of("a", 3, "c", 2);
        VectorClock merged = x.merge(y);
        assertThat(merged).isEqualTo(VectorClock.of("a", 3, "b", 5, "c", 2));
        assertThat(merged.toJson()).isEqualTo("{\"a\":3,\"b\":5,\"c\":2}");
        assertThat(y.merge(x)).isEqualTo(merged);
    }

    @Test
    void mergeWithACoveredClockKeepsTheCoveringOne() {
        VectorClock big = VectorClock.of("a", 3, "b", 2);
        VectorClock small = VectorClock.of("b", 1);
        assertThat(big.merge(small)).isEqualTo(big);
        assertThat(small.merge(big)).isEqualTo(big);
        assertThat(big.merge(VectorClock.empty())).isEqualTo(big);
        assertThat(VectorClock.empty().merge(big)).isEqualTo(big);
        assertThat(VectorClock.empty().merge(VectorClock.empty())).isEqualTo(VectorClock.empty());
    }

    @Test
    void incrementAddsANewActorAtOne() {
        assertThat(VectorClock.empty().increment("a")).isEqualTo(VectorClock.of("a", 1));
        VectorClock clock = VectorClock.of("a", 4, "c", 2).increment("b");
        assertThat(clock.toJson()).isEqualTo("{\"a\":4,\"b\":1,\"c\":2}");
        assertThat(clock.actorAt(1)).isEqualTo("b");
        assertThat(clock.counterAt(1)).isEqualTo(1);
    }

    @Test
    void incrementRaisesAnExistingActorByOne() {
        VectorClock clock = VectorClock.of("a", 4, "b", 7).increment("b");
        assertThat(clock).isEqualTo(VectorClock.of("a", 4, "b", 8));
        assertThat(clock.get("b")).isEqualTo(8);
        assertThat(clock.get("a")).isEqualTo(4);
    }

    @Test
    void incrementLeavesTheOriginalUnchanged() {
        VectorClock original = VectorClock.of("a", 4, "b", 7);
        VectorClock existing = original.increment("a");
        VectorClock added = original.increment("c");
        assertThat(existing).isNotSameAs(original);
        assertThat(added).isNotSameAs(original);
        assertThat(original.toJson()).isEqualTo("{\"a\":4,\"b\":7}");
        assertThat(original.get("a")).isEqualTo(4);
        assertThat(original.get("c")).isZero();
        assertThat(original.size()).isEqualTo(2);
        assertThat(existing.compare(original)).isEqualTo(ClockOrder.AFTER);
        assertThat(added.compare(original)).isEqualTo(ClockOrder.AFTER);
    }

    @Test
    void incrementPastLongMaxValueIsRejected() {
        VectorClock full = VectorClock.of("a", Long.MAX_VALUE);
        assertThatThrownBy(() -> full.increment("a"))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("\"a\"")
                .hasMessageContaining(String.valueOf(Long.MAX_VALUE));
    }

    @Test
    void incrementOfAnEmptyActorIsRejected() {
        assertThatThrownBy(() -> VectorClock.of("a", 1).increment(""))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock actor id must not be empty");
    }

    @Test
    void negativeCounterIsRejectedEchoingTheValue() {
        assertThatThrownBy(() -> VectorClock.of("c1", -3))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock counter for actor \"c1\" must be >= 1, but was -3");
    }

    @Test
    void zeroCounterIsRejectedEvenAmongValidEntries() {
        assertThatThrownBy(() -> VectorClock.of("c1", 2, "c2", 0))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock counter for actor \"c2\" must be >= 1, but was 0");
        Map<String, Long> map = new HashMap<>();
        map.put("x", 0L);
        assertThatThrownBy(() -> VectorClock.of(map))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock counter for actor \"x\" must be >= 1, but was 0");
    }

    @Test
    void invalidClockIsAnInvalidInputOnTheClockField() {
        assertThatThrownBy(() -> VectorClock.of("c1", -3))
                .isInstanceOfSatisfying(InvalidClockException.class, e -> {
                    assertThat(e).isInstanceOf(InvalidInputException.class);
                    assertThat(e.field()).isEqualTo("clock");
                    assertThat(e.code()).isEqualTo("invalid_clock");
                    assertThat(e.reason()).isEqualTo("clock counter for actor \"c1\" must be >= 1, but was -3");
                });
    }

    @Test
    void emptyActorIsRejected() {
        assertThatThrownBy(() -> VectorClock.of("", 1))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock actor id must not be empty");
        assertThatThrownBy(() -> VectorClock.of(Map.of("", 1L)))
                .isInstanceOf(InvalidClockException.class)
                .hasMessage("clock actor id must not be empty");
    }

    @Test
    void actorWithNulOrLoneSurrogateIsRejected() {
        assertThatThrownBy(() -> VectorClock.of("a\u0000", 1))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("U+0000");
        assertThatThrownBy(() -> VectorClock.of("a\uD800", 1))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void repeatedActorIsRejected() {
        assertThatThrownBy(() -> VectorClock.of("a", 1, "a", 2))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("\"a\" appears twice");
    }

    @Test
    void oddNumberOfArgumentsIsRejected() {
        assertThatThrownBy(() -> VectorClock.of("a", 1, "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values");
    }

    @Test
    void nullCounterInMapIsRejected() {
        Map<String, Long> map = new HashMap<>();
        map.put("a", null);
        assertThatThrownBy(() -> VectorClock.of(map))
                .isInstanceOf(InvalidClockException.class)
                .hasMessageContaining("\"a\"");
    }

    @Test
    void toJsonSortsActorsInUtf8ByteOrderNotUtf16Order() {
        // In UTF-16 the rocket (D83D..) sorts before U+FF5E; in UTF-8 (F0.. vs EF..) it sorts after.
        assertThat(ROCKET.compareTo(FULLWIDTH_TILDE)).isNegative();
        VectorClock clock = VectorClock.of(ROCKET, 2, FULLWIDTH_TILDE, 1, "b", 3);
        assertThat(clock.toJson()).isEqualTo("{\"b\":3,\"" + FULLWIDTH_TILDE + "\":1,\"" + ROCKET + "\":2}");
        assertThat(clock.actorAt(0)).isEqualTo("b");
        assertThat(clock.actorAt(1)).isEqualTo(FULLWIDTH_TILDE);
        assertThat(clock.actorAt(2)).isEqualTo(ROCKET);
        assertThat(clock.toMap().keySet()).containsExactly("b", FULLWIDTH_TILDE, ROCKET);
    }

    @Test
    void mapInUtf16OrderIsResortedToUtf8Order() {
        Map<String, Long> utf16Sorted = new TreeMap<>();
        utf16Sorted.put(ROCKET, 2L);
        utf16Sorted.put(FULLWIDTH_TILDE, 1L);
        assertThat(utf16Sorted.keySet()).containsExactly(ROCKET, FULLWIDTH_TILDE);
        VectorClock clock = VectorClock.of(utf16Sorted);
        assertThat(clock.toJson()).isEqualTo("{\"" + FULLWIDTH_TILDE + "\":1,\"" + ROCKET + "\":2}");
        assertThat(clock.get(ROCKET)).isEqualTo(2);
        assertThat(clock.get(FULLWIDTH_TILDE)).isEqualTo(1);
    }

    @Test
    void compareAndMergeWorkAcrossTheUtf16AndUtf8OrderDifference() {
        VectorClock x = VectorClock.of(ROCKET, 1);
        VectorClock y = VectorClock.of(ROCKET, 1, FULLWIDTH_TILDE, 1);
        assertThat(x.compare(y)).isEqualTo(ClockOrder.BEFORE);
        assertThat(x.merge(VectorClock.of(FULLWIDTH_TILDE, 1))).isEqualTo(y);
    }

    @Test
    void toJsonEscapesActorIds() {
        assertThat(VectorClock.of("a\"b\\c", 1).toJson()).isEqualTo("{\"a\\\"b\\\\c\":1}");
    }

    @Test
    void toStringIsTheJsonForm() {
        assertThat(VectorClock.of("c2", 1, "c1", 3)).hasToString("{\"c1\":3,\"c2\":1}");
    }

    @Test
    void clocksWithTheSameEntriesAreEqualWhateverTheConstructionRoute() {
        Map<String, Long> linked = new LinkedHashMap<>();
        linked.put("z", 1L);
        linked.put("a", 2L);
        VectorClock fromMap = VectorClock.of(linked);
        VectorClock fromPairs = VectorClock.of("a", 2, "z", 1);
        VectorClock fromIncrements = VectorClock.empty().increment("z").increment("a").increment("a");
        assertThat(fromMap).isEqualTo(fromPairs).isEqualTo(fromIncrements);
        assertThat(fromMap.hashCode()).isEqualTo(fromPairs.hashCode()).isEqualTo(fromIncrements.hashCode());
    }

    @Test
    void clocksDifferingInACounterOrAnActorAreNotEqual() {
        VectorClock base = VectorClock.of("a", 2, "b", 1);
        assertThat(base).isNotEqualTo(VectorClock.of("a", 2, "b", 2));
        assertThat(base).isNotEqualTo(VectorClock.of("a", 2, "c", 1));
        assertThat(base).isNotEqualTo(VectorClock.of("a", 2));
        assertThat(base).isNotEqualTo(VectorClock.empty());
        assertThat(base).isNotEqualTo(null);
        assertThat(base).isNotEqualTo("{\"a\":2,\"b\":1}");
    }

    @Test
    void toMapIsUnmodifiable() {
        VectorClock clock = VectorClock.of("a", 1);
        assertThatThrownBy(() -> clock.toMap().put("b", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(clock.get("b")).isZero();
    }

    @Test
    void changingTheSourceMapDoesNotChangeTheClock() {
        Map<String, Long> map = new HashMap<>();
        map.put("a", 1L);
        VectorClock clock = VectorClock.of(map);
        map.put("a", 5L);
        map.put("b", 1L);
        assertThat(clock).isEqualTo(VectorClock.of("a", 1));
    }

    @Test
    void clocksThatShareTheirActorsStillCompareByEveryCounter() {
        VectorClock base = VectorClock.of("a", 1, "b", 1, "c", 1);
        VectorClock a = base.increment("a");
        VectorClock c = base.increment("c");
        // A concurrent merge with the same actors reuses one side's actor array.
        VectorClock both = a.merge(c);
        assertThat(both).isEqualTo(VectorClock.of("a", 2, "b", 1, "c", 2));
        assertThat(a.compare(c)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(c.compare(a)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(both.compare(a)).isEqualTo(ClockOrder.AFTER);
        assertThat(a.compare(both)).isEqualTo(ClockOrder.BEFORE);
        assertThat(base.compare(both)).isEqualTo(ClockOrder.BEFORE);
        assertThat(both.compare(a.merge(c))).isEqualTo(ClockOrder.EQUAL);
        // A merge that adds an actor to one side names exactly the other side's actors.
        VectorClock wider = VectorClock.of("a", 1, "b", 5).merge(VectorClock.of("a", 3, "c", 1)).merge(VectorClock.of("b", 7));
        assertThat(wider).isEqualTo(VectorClock.of("a", 3, "b", 7, "c", 1));
        assertThat(wider.compare(VectorClock.of("a", 3, "b", 7, "c", 2))).isEqualTo(ClockOrder.BEFORE);
    }

    @Test
    void countersAtBothEndsOfTheIntRangeCompareRightBetweenClocksSharingTheirActors() {
        // compare() reads clocks with one actor array by counter differences; 1 against
        // Integer.MAX_VALUE is the widest difference it can meet and must keep its sign.
        int max = Integer.MAX_VALUE;
        VectorClock highLow = VectorClock.of("a", max, "b", 1);
        VectorClock lowHigh = VectorClock.of("a", 1, "b", max);
        VectorClock low = VectorClock.of("a", 1, "b", 1);
        VectorClock high = VectorClock.of("a", max, "b", max);
        assertThat(highLow.sharesActorsWith(lowHigh) && low.sharesActorsWith(high) && low.sharesActorsWith(highLow)).isTrue();
        assertThat(highLow.compare(lowHigh)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(lowHigh.compare(highLow)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(low.compare(highLow)).isEqualTo(ClockOrder.BEFORE);
        assertThat(highLow.compare(low)).isEqualTo(ClockOrder.AFTER);
        assertThat(high.compare(lowHigh)).isEqualTo(ClockOrder.AFTER);
        assertThat(lowHigh.compare(high)).isEqualTo(ClockOrder.BEFORE);
        assertThat(high.compare(VectorClock.of("a", max, "b", max))).isEqualTo(ClockOrder.EQUAL);
        assertThat(highLow.merge(lowHigh)).isEqualTo(high);
        // When one side covers the other (or equals it), merge() returns that side itself, as
        // documented, at the extremes of the range too.
        assertThat(low.merge(high)).isSameAs(high);
        assertThat(high.merge(low)).isSameAs(high);
        assertThat(highLow.merge(low)).isSameAs(highLow);
        assertThat(low.merge(lowHigh)).isSameAs(lowHigh);
        VectorClock lowAgain = VectorClock.of("a", 1, "b", 1);
        assertThat(low.merge(lowAgain)).isSameAs(low);
        assertThat(lowAgain.merge(low)).isSameAs(lowAgain);
    }

    @Test
    void countersPastIntRangeCompareMergeAndPrintExactly() {
        long big = Integer.MAX_VALUE + 1L;
        VectorClock small = VectorClock.of("a", Integer.MAX_VALUE, "b", 1);
        VectorClock wide = small.increment("a");
        assertThat(wide.get("a")).isEqualTo(big);
        assertThat(wide).isEqualTo(VectorClock.of("a", big, "b", 1)).hasSameHashCodeAs(VectorClock.of("a", big, "b", 1));
        assertThat(wide.toJson()).isEqualTo("{\"a\":2147483648,\"b\":1}");
        assertThat(wide.compare(small)).isEqualTo(ClockOrder.AFTER);
        assertThat(small.compare(wide)).isEqualTo(ClockOrder.BEFORE);
        VectorClock otherSide = small.increment("b");
        assertThat(wide.compare(otherSide)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(otherSide.compare(wide)).isEqualTo(ClockOrder.CONCURRENT);
        assertThat(wide.merge(otherSide)).isEqualTo(VectorClock.of("a", big, "b", 2));
        assertThat(otherSide.merge(wide)).isEqualTo(VectorClock.of("a", big, "b", 2));
        assertThat(VectorClock.of("a", Long.MAX_VALUE).merge(VectorClock.of("b", 1))).isEqualTo(VectorClock.of("a", Long.MAX_VALUE, "b", 1));
        // A clock that fits in ints equals the same entries however it was built.
        assertThat(VectorClock.of("a", Integer.MAX_VALUE).increment("b")).isEqualTo(VectorClock.of("a", (long) Integer.MAX_VALUE, "b", 1L));
        assertThat(wide.merge(small)).isSameAs(wide);
        assertThat(small.merge(wide)).isSameAs(wide);
    }

    @Test
    void clocksBuiltApartWithTheSameActorsShareOneActorArray() {
        // As two ops read from JSON: equal actor ids, but separate String instances and maps.
        Map<String, Long> first = new TreeMap<>();
        Map<String, Long> second = new TreeMap<>();
        for (int i = 0; i < 16; i++) {
            first.put(new String("share-" + i), (long) i + 1);
            second.put(new String("share-" + i), (long) i + 2);
        }
        VectorClock x = VectorClock.of(first);
        VectorClock y = VectorClock.of(second);
        assertThat(x.sharesActorsWith(y)).isTrue();
        assertThat(x.compare(y)).isEqualTo(ClockOrder.BEFORE);
        assertThat(y.increment("share-3").sharesActorsWith(x)).isTrue();
        VectorClock added = x.increment("share-16");
        assertThat(added.sharesActorsWith(y.increment("share-16"))).isTrue();
        assertThat(added.sharesActorsWith(x)).isFalse();
    }

    @Test
    void clocksPastTheSharingBoundsKeepTheirOwnArrayAndStillCompareRight() {
        Map<String, Long> first = new TreeMap<>();
        Map<String, Long> second = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            first.put(new String("wide-" + i), 5L);
            second.put(new String("wide-" + i), i == 150 ? 6L : 5L);
        }
        VectorClock x = VectorClock.of(first);
        VectorClock y = VectorClock.of(second);
        assertThat(x.sharesActorsWith(y)).isFalse();
        assertThat(x.compare(y)).isEqualTo(ClockOrder.BEFORE);
        assertThat(y.compare(x)).isEqualTo(ClockOrder.AFTER);
        assertThat(x.merge(y)).isSameAs(y);
        // Few actors, but long ids: 10 x 300 characters is past the bound on characters.
        String longId = "x".repeat(300);
        Map<String, Long> few = new TreeMap<>();
        Map<String, Long> fewAgain = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            few.put(new String(longId + i), 1L);
            fewAgain.put(new String(longId + i), 1L);
        }
        assertThat(VectorClock.of(few).sharesActorsWith(VectorClock.of(fewAgain))).isFalse();
        assertThat(VectorClock.of(few).compare(VectorClock.of(fewAgain))).isEqualTo(ClockOrder.EQUAL);
        // As many ids, short ones: shared.
        Map<String, Long> shortIds = new TreeMap<>();
        Map<String, Long> shortIdsAgain = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            shortIds.put(new String("y" + i), 1L);
            shortIdsAgain.put(new String("y" + i), 2L);
        }
        assertThat(VectorClock.of(shortIds).sharesActorsWith(VectorClock.of(shortIdsAgain))).isTrue();
    }

    @Test
    void manyDistinctActorListsEvictEachOtherWithoutChangingAnyResult() {
        // More distinct actor lists than the table has slots: clocks of an evicted list no longer
        // share an array with later ones, and compare and equals must not notice.
        VectorClock[] early = new VectorClock[5_000];
        for (int i = 0; i < early.length; i++) {
            early[i] = VectorClock.of("evict-" + i, 1, "z", 2);
        }
        for (int i = 0; i < early.length; i++) {
            VectorClock later = VectorClock.of(new String("evict-" + i), 2, "z", 2);
            assertThat(later.compare(early[i])).isEqualTo(ClockOrder.AFTER);
            assertThat(early[i].merge(later)).isEqualTo(later);
            assertThat(VectorClock.of("evict-" + i, 1, "z", 2)).isEqualTo(early[i]).hasSameHashCodeAs(early[i]);
        }
    }
}
