package dev.syncmat.core.merge;

import java.util.List;
import java.util.Objects;

/**
 * Why one of two concurrent heads ranks above the other: one of the four built-in reasons, or a
 * code of a custom {@link MergePolicy}'s own ({@code longer_title}). The code is what the store
 * keeps and what the wire and the CLI print; the built-in ones are spelled as the constants are
 * named ({@code DELETE_WINS}).
 *
 * <p>A code is 1 to {@value #MAX_LENGTH} ASCII characters from {@code A-Z a-z 0-9 _ . -},
 * starting with a letter or a digit. Two reasons are equal when their codes are; {@link #of}
 * returns the constant for a built-in spelling, so the built-ins can also be compared with
 * {@code ==}. Immutable and thread-safe.
 */
public final class ConflictReason {
    /** The longest code, in characters. */
    public static final int MAX_LENGTH = 64;

    /** A delete beats a concurrent update. */
    public static final ConflictReason DELETE_WINS = new ConflictReason("DELETE_WINS");
    /** An update beats a concurrent delete (only under policies that let updates win). */
    public static final ConflictReason UPDATE_WINS = new ConflictReason("UPDATE_WINS");
    /** Both are updates and the greater canonical payload (UTF-8 bytes) wins. */
    public static final ConflictReason PAYLOAD_ORDER = new ConflictReason("PAYLOAD_ORDER");
    /** Nothing else differs, so the greater op id (UTF-8 bytes) wins. */
    public static final ConflictReason OP_ID_ORDER = new ConflictReason("OP_ID_ORDER");

    private static final List<ConflictReason> BUILT_IN = List.of(DELETE_WINS, UPDATE_WINS, PAYLOAD_ORDER, OP_ID_ORDER);

    private final String code;

    private ConflictReason(String code) {
        this.code = code;
    }

    /**
     * The reason with this code: the built-in constant for a built-in spelling, else a custom one.
     *
     * @throws IllegalArgumentException for a code that is empty, longer than {@value #MAX_LENGTH}
     *                                  characters or has a character outside the set
     */
    public static ConflictReason of(String code) {
        Objects.requireNonNull(code, "reason code");
        for (ConflictReason builtIn : BUILT_IN) {
            if (builtIn.code.equals(code)) {
                return builtIn;
            }
        }
        String problem = problem(code);
        if (problem != null) {
            throw new IllegalArgumentException("reason code " + problem);
        }
        return new ConflictReason(code);
    }

    /** The four reasons of the built-in policies, in declaration order. */
    public static List<ConflictReason> builtIn() {
        return BUILT_IN;
    }

    /** The code as stored and sent: {@code DELETE_WINS} for a built-in, the policy's own otherwise. */
    public String code() {
        return code;
    }

    /** Whether this is one of the four reasons of the built-in policies. */
    public boolean isBuiltIn() {
        return BUILT_IN.contains(this);
    }

    // What is wrong with a code, or null; the message echoes it within reason.
    private static String problem(String code) {
        if (code.isEmpty()) {
            return "must not be empty";
        }
        if (code.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, but had " + code.length() + " (\""
                    + code.substring(0, 16) + "...\")";
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (i == 0 && !alphanumeric) {
                return "must start with an ASCII letter or digit, but was \"" + printable(code) + "\"";
            }
            if (!alphanumeric && c != '_' && c != '.' && c != '-') {
                return "may hold only A-Z a-z 0-9 _ . -, but was \"" + printable(code) + "\"";
            }
        }
        return null;
    }

    // Control characters are shown escaped, so the message stays one readable line.
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConflictReason other && code.equals(other.code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    /** The code. */
    @Override
    public String toString() {
        return code;
    }
}
