package dev.syncmat.core.internal;

/**
 * JSON string escaping for the canonical forms, as RFC 8785 prescribes: only {@code "}, {@code \}
 * and control characters are escaped (the usual two-letter escapes where JSON has them, otherwise
 * {@code &#92;u00xx} in lower-case hex); everything else is written as itself.
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {
    }

    /** Appends {@code s} as a quoted, escaped JSON string. */
    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        sb.append(s, start, n);
        sb.append('"');
    }
}
