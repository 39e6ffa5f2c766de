package dev.syncmat.core;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Laws of {@link Utf8Order}, checked against the JDK's UTF-8 encoder and
 * {@link Arrays#compareUnsigned(byte[], byte[])} as the reference.
 */
class Utf8OrderProperties {

    /** Strings of valid code points, mixing the ranges where UTF-16 and UTF-8 order disagree. */
    @Provide
    Arbitrary<String> mixedStrings() {
        return codePoints(Arbitraries.integers().between(0x00, 0x7F));
    }

    /** The same mix without U+0000, so every string is storable. */
    @Provide
    Arbitrary<String> storableStrings() {
        return codePoints(Arbitraries.integers().between(0x01, 0x7F));
    }

    private static Arbitrary<String> codePoints(Arbitrary<Integer> ascii) {
        Arbitrary<Integer> bmpBelowSurrogates = Arbitraries.integers().between(0x80, 0xD7FF);
        Arbitrary<Integer> bmpAboveSurrogates = Arbitraries.integers().between(0xE000, 0xFFFF);
        Arbitrary<Integer> astral = Arbitraries.integers().between(0x10000, 0x10FFFF);
        Arbitrary<Integer> edges = Arbitraries.of(0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFF5E, 0xFFFD, 0xFFFF,
                0x10000, 0x1F680, 0x10FFFF);
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(3, ascii),
                Tuple.of(2, bmpBelowSurrogates),
                Tuple.of(3, bmpAboveSurrogates),
                Tuple.of(3, astral),
                Tuple.of(2, edges));
        return codePoint.list().ofMaxSize(12).map(cps -> {
            int[] array = cps.stream().mapToInt(Integer::intValue).toArray();
            return new String(array, 0, array.length);
        });
    }

    @Property(tries = 1000)
    void compareAgreesInSignWithUnsignedUtf8Bytes(@ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b) {
        assertThat(Integer.signum(Utf8Order.compare(a, b))).isEqualTo(Integer.signum(byteOrder(a, b)));
    }

    @Property(tries = 1000)
    void compareAgreesWithBytesAfterACommonPrefix(@ForAll("mixedStrings") String prefix,
                                                  @ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b) {
        String x = prefix + a;
        String y = prefix + b;
        assertThat(Integer.signum(Utf8Order.compare(x, y))).isEqualTo(Integer.signum(byteOrder(x, y)));
    }

    @Property(tries = 1000)
    void compareIsAntisymmetric(@ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b) {
        assertThat(Integer.signum(Utf8Order.compare(a, b))).isEqualTo(-Integer.signum(Utf8Order.compare(b, a)));
    }

    @Property(tries = 1000)
    void compareIsZeroExactlyForEqualStrings(@ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b) {
        assertThat(Utf8Order.compare(a, new String(a))).isZero();
        assertThat(Utf8Order.compare(a, b) == 0).isEqualTo(a.equals(b));
    }

    @Property(tries = 1000)
    void sortingWithComparatorEqualsSortingByBytes(@ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b,
                                                   @ForAll("mixedStrings") String c, @ForAll("mixedStrings") String d) {
        List<String> byComparator = new ArrayList<>(List.of(a, b, c, d));
        byComparator.sort(Utf8Order.COMPARATOR);
        List<String> byBytes = new ArrayList<>(List.of(a, b, c, d));
        byBytes.sort(Comparator.comparing((String s) -> s.getBytes(UTF_8), Arrays::compareUnsigned));
        assertThat(byComparator).containsExactlyElementsOf(byBytes);
    }

    @Property(tries = 1000)
    void utf8LengthEqualsEncodedLength(@ForAll("mixedStrings") String s) {
        assertThat(Utf8Order.utf8Length(s)).isEqualTo(s.getBytes(UTF_8).length);
    }

    @Property(tries = 1000)
    void validStringsWithoutNulAreStorable(@ForAll("storableStrings") String s) {
        assertThat(Utf8Order.firstUnstorableChar(s)).isEqualTo(-1);
    }

    @Property(tries = 1000)
    void firstUnstorableCharFindsAnInsertedNul(@ForAll("storableStrings") String s, @ForAll("storableStrings") String rest) {
        assertThat(Utf8Order.firstUnstorableChar(s + "\u0000" + rest)).isEqualTo(s.length());
    }

    @Property(tries = 1000)
    void firstUnstorableCharFindsAnInsertedLoneSurrogate(@ForAll("storableStrings") String s, @ForAll("storableStrings") String rest,
                                                          @ForAll("loneSurrogates") char lone) {
        // s and rest end and start on code point boundaries, so the inserted unit cannot pair up.
        assertThat(Utf8Order.firstUnstorableChar(s + lone + rest)).isEqualTo(s.length());
    }

    /** The shortcut Op.compareOpId and Payload.compare take: String.compareTo, when one side allows it. */
    @Property(tries = 1000)
    void compareToEqualsCompareWhenOneSideIsBelowTheSurrogates(@ForAll("mixedStrings") String a, @ForAll("mixedStrings") String b) {
        boolean below = a.chars().allMatch(c -> c < Character.MIN_SURROGATE);
        assertThat(Utf8Order.belowSurrogates(a)).isEqualTo(below);
        if (Utf8Order.belowSurrogates(a) || Utf8Order.belowSurrogates(b)) {
            assertThat(a.compareTo(b)).isEqualTo(Utf8Order.compare(a, b));
            assertThat(b.compareTo(a)).isEqualTo(Utf8Order.compare(b, a));
        }
    }

    @Property(tries = 1000)
    void opIdsAndPayloadsCompareAsTheirUtf8Bytes(@ForAll("storableStrings") String a, @ForAll("storableStrings") String b) {
        VectorClock clock = VectorClock.of("c", 1);
        Op x = Op.update("id" + a, "o", "t", clock, Payload.ofCanonicalJson("\"" + a + "\""));
        Op y = Op.update("id" + b, "o", "t", clock, Payload.ofCanonicalJson("\"" + b + "\""));
        int byId = Integer.signum(byteOrder(x.opId(), y.opId()));
        assertThat(Integer.signum(x.compareOpId(y))).isEqualTo(byId);
        assertThat(Integer.signum(y.compareOpId(x))).isEqualTo(-byId);
        int byPayload = Integer.signum(byteOrder(x.payload().json(), y.payload().json()));
        assertThat(Integer.signum(Payload.compare(x.payload(), y.payload()))).isEqualTo(byPayload);
        assertThat(Integer.signum(Payload.compare(y.payload(), x.payload()))).isEqualTo(-byPayload);
    }

    @Provide
    Arbitrary<Character> loneSurrogates() {
        return Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE);
    }

    private static int byteOrder(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8));
    }
}
