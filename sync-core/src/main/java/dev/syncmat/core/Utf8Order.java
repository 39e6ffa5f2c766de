package dev.syncmat.core;

import java.util.Comparator;

/**
 * The one string order the library uses: lexicographic over UTF-8 bytes, unsigned.
 *
 * <p>UTF-8 byte order equals Unicode code point order, so the comparison walks UTF-16 units and
 * only corrects the one place where the two orders differ (a surrogate, i.e. a code point above
 * U+FFFF, against a unit in U+E000..U+FFFF). It allocates nothing. SQL {@code ORDER BY} and
 * collators are never used for anything that decides a merge, and {@link String#compareTo} only
 * where it gives the same result ({@link #compare(String, String, boolean)}).
 *
 * <p>Thread-safe: stateless.
 */
public final class Utf8Order {
    /** The UTF-8 byte order as a comparator. */
    public static final Comparator<String> COMPARATOR = Utf8Order::compare;

    private Utf8Order() {
    }

    /** Compares {@code a} and {@code b} as their UTF-8 encodings would compare byte by byte. */
    public static int compare(String a, String b) {
        if (a == b) {
            return 0;
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                if (ca >= Character.MIN_SURROGATE && cb >= Character.MIN_SURROGATE) {
                    return fixUp(ca) - fixUp(cb);
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }

    /**
     * Whether {@code s} has no UTF-16 unit at or above U+D800. Against such a string,
     * {@link String#compareTo} returns exactly what {@link #compare(String, String)} returns: the
     * two orders differ only where a surrogate meets a unit in U+E000..U+FFFF, and this string
     * holds neither. Values that are compared often can record it once and pass it to
     * {@link #compare(String, String, boolean)}.
     */
    public static boolean belowSurrogates(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= Character.MIN_SURROGATE) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same result as {@link #compare(String, String)}; when the caller knows that {@code a} or
     * {@code b} is {@link #belowSurrogates}, through {@link String#compareTo}, which the JVM runs
     * with vector instructions.
     */
    public static int compare(String a, String b, boolean eitherBelowSurrogates) {
        return eitherBelowSurrogates ? a.compareTo(b) : compare(a, b);
    }

    // Moves surrogates above U+E000..U+FFFF, which is where the code points they encode belong.
    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /** Number of bytes the UTF-8 encoding of {@code s} takes, without encoding it. */
    public static long utf8Length(CharSequence s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Index of the first unpaired surrogate in {@code s} (a unit with no UTF-8 form), or -1. */
    public static int firstUnpairedSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the first UTF-16 unit of {@code s} that cannot be stored as text: an unpaired
     * surrogate or U+0000 (PostgreSQL rejects both), or -1 when there is none.
     */
    public static int firstUnstorableChar(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
