package dev.syncmat.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8OrderTest {
    private static final String ROCKET = "\uD83D\uDE80"; // U+1F680, UTF-8 F0 9F 9A 80
    private static final String LINEAR_B = "\uD800\uDC00"; // U+10000, UTF-8 F0 90 80 80
    private static final String FULLWIDTH_TILDE = "\uFF5E"; // UTF-8 EF BD 9E
    private static final String PRIVATE_USE = "\uE000"; // UTF-8 EE 80 80

    @Test
    void asciiStringsCompareByteByByte() {
        assertThat(Utf8Order.compare("a", "b")).isNegative();
        assertThat(Utf8Order.compare("b", "a")).isPositive();
        assertThat(Utf8Order.compare("B", "a")).isNegative();
        assertThat(Utf8Order.compare("abc", new String("abc"))).isZero();
        assertThat(Utf8Order.compare("", "")).isZero();
    }

    @Test
    void properPrefixSortsFirst() {
        assertThat(Utf8Order.compare("ab", "abc")).isNegative();
        assertThat(Utf8Order.compare("abc", "ab")).isPositive();
        assertThat(Utf8Order.compare("", "a")).isNegative();
        assertThat(Utf8Order.compare(ROCKET, ROCKET + "a")).isNegative();
    }

    @Test
    void supplementaryCharacterSortsAfterCharactersInE000ToFFFF() {
        // UTF-16 puts the surrogate D83D before FF5E; UTF-8 puts F0.. after EF..
        assertThat(ROCKET.compareTo(FULLWIDTH_TILDE)).isNegative();
        assertThat(Utf8Order.compare(ROCKET, FULLWIDTH_TILDE)).isPositive();
        assertThat(Utf8Order.compare(FULLWIDTH_TILDE, ROCKET)).isNegative();
        assertThat(Utf8Order.compare(LINEAR_B, PRIVATE_USE)).isPositive();
        assertThat(Utf8Order.compare(LINEAR_B, "\uFFFF")).isPositive();
        assertThat(Utf8Order.compare("x" + ROCKET, "x" + "\uFFFD")).isPositive();
    }

    @Test
    void supplementaryCharacterSortsAfterBmpCharactersBelowSurrogates() {
        assertThat(Utf8Order.compare(LINEAR_B, "\uD7FF")).isPositive();
        assertThat(Utf8Order.compare("\u00E9", LINEAR_B)).isNegative();
        assertThat(Utf8Order.compare("z", LINEAR_B)).isNegative();
    }

    @Test
    void supplementaryCharactersCompareByCodePoint() {
        assertThat(Utf8Order.compare(LINEAR_B, ROCKET)).isNegative();
        assertThat(Utf8Order.compare("\uDBFF\uDFFF", ROCKET)).isPositive(); // U+10FFFF
        assertThat(Utf8Order.compare("\uD83D\uDE81", ROCKET)).isPositive(); // U+1F681
    }

    @Test
    void comparatorSortsInUtf8ByteOrder() {
        List<String> list = new ArrayList<>(List.of(ROCKET, FULLWIDTH_TILDE, "\u00E9", "a", "A", LINEAR_B, PRIVATE_USE, "\uD7FF"));
        list.sort(Utf8Order.COMPARATOR);
        assertThat(list).containsExactly("A", "a", "\u00E9", "\uD7FF", PRIVATE_USE, FULLWIDTH_TILDE, LINEAR_B, ROCKET);
    }

    @Test
    void utf8LengthCountsBytesPerCodePoint() {
        assertThat(Utf8Order.utf8Length("")).isZero();
        assertThat(Utf8Order.utf8Length("a")).isEqualTo(1);
        assertThat(Utf8Order.utf8Length("\u007F")).isEqualTo(1);
        assertThat(Utf8Order.utf8Length("\u0080")).isEqualTo(2);
        assertThat(Utf8Order.utf8Length("\u00E9")).isEqualTo(2);
        assertThat(Utf8Order.utf8Length("\u07FF")).isEqualTo(2);
        assertThat(Utf8Order.utf8Length("\u0800")).isEqualTo(3);
        assertThat(Utf8Order.utf8Length("\u20AC")).isEqualTo(3);
        assertThat(Utf8Order.utf8Length("\uFFFF")).isEqualTo(3);
        assertThat(Utf8Order.utf8Length(ROCKET)).isEqualTo(4);
        assertThat(Utf8Order.utf8Length("a\u00E9\u20AC" + ROCKET)).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void utf8LengthAcceptsAnyCharSequence() {
        assertThat(Utf8Order.utf8Length(new StringBuilder("\u00FC" + ROCKET))).isEqualTo(6);
    }

    @Test
    void storableStringsHaveNoUnstorableChar() {
        assertThat(Utf8Order.firstUnstorableChar("")).isEqualTo(-1);
        assertThat(Utf8Order.firstUnstorableChar("abc")).isEqualTo(-1);
        assertThat(Utf8Order.firstUnstorableChar(ROCKET + "x" + LINEAR_B)).isEqualTo(-1);
        assertThat(Utf8Order.firstUnstorableChar("\uFFFF\uE000\u0001")).isEqualTo(-1);
    }

    @Test
    void firstUnstorableCharFindsNul() {
        assertThat(Utf8Order.firstUnstorableChar("\u0000")).isZero();
        assertThat(Utf8Order.firstUnstorableChar("ab\u0000c")).isEqualTo(2);
        assertThat(Utf8Order.firstUnstorableChar(ROCKET + "\u0000")).isEqualTo(2);
    }

    @Test
    void firstUnstorableCharFindsUnpairedSurrogates() {
        assertThat(Utf8Order.firstUnstorableChar("a\uD800")).as("high surrogate at the end").isEqualTo(1);
        assertThat(Utf8Order.firstUnstorableChar("a\uD800b")).as("high surrogate before a non-surrogate").isEqualTo(1);
        assertThat(Utf8Order.firstUnstorableChar("a\uD800\uD800\uDC00")).as("high surrogate before a pair").isEqualTo(1);
        assertThat(Utf8Order.firstUnstorableChar("ab\uDC00")).as("lone low surrogate").isEqualTo(2);
        assertThat(Utf8Order.firstUnstorableChar("\uDC00\uD800")).as("pair in the wrong order").isZero();
        assertThat(Utf8Order.firstUnstorableChar(ROCKET + "\uDE80")).as("low surrogate after a complete pair").isEqualTo(2);
    }

    @Test
    void firstUnstorableCharAcceptsAnyCharSequence() {
        assertThat(Utf8Order.firstUnstorableChar(new StringBuilder("xy\u0000"))).isEqualTo(2);
    }
}
