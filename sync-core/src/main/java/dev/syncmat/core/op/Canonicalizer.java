package dev.syncmat.core.op;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.internal.JsonStrings;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a JSON tree in the library's canonical form (see {@link Payload} for the rules).
 * Recursion depth is bounded by Jackson's nesting limit on the parser that built the tree.
 */
final class Canonicalizer {
    private Canonicalizer() {
    }

    /** The canonical text of {@code node}; {@code depth[0]} receives its nesting depth (see {@link Payload#depth()}). */
    static String canonicalize(JsonNode node, int[] depth) {
        StringBuilder sb = new StringBuilder(64);
        depth[0] = write(node, sb, 0);
        return sb.toString();
    }

    // Writes node, which sits inside `level` arrays or objects; returns the deepest level reached.
    private static int write(JsonNode node, StringBuilder sb, int level) {
        int deepest = level;
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names.add(checked(it.next(), "an object key"));
                }
                names.sort(Utf8Order.COMPARATOR);
                sb.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    JsonStrings.appendQuoted(sb, names.get(i));
                    sb.append(':');
                    deepest = Math.max(deepest, write(node.get(names.get(i)), sb, level + 1));
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    deepest = Math.max(deepest, write(node.get(i), sb, level + 1));
                }
                sb.append(']');
            }
            case STRING -> JsonStrings.appendQuoted(sb, checked(node.textValue(), "a string"));
            case NUMBER -> sb.append(number(node.decimalValue()));
            case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
            case NULL -> sb.append("null");
            default -> throw new InvalidOpException("payload", "payload contains a value that is not JSON: " + node.getNodeType());
        }
        return node.isContainerNode() ? Math.max(deepest, level + 1) : deepest;
    }

    // U+0000 is fine here: the canonical text escapes it, so what is stored is plain ASCII.
    private static String checked(String s, String what) {
        int bad = Utf8Order.firstUnpairedSurrogate(s);
        if (bad == -1) {
            return s;
        }
        throw new InvalidOpException("payload", "payload contains " + what + " with an unpaired surrogate (\\u"
                + Integer.toHexString(s.charAt(bad)) + ") at index " + bad + "; it has no UTF-8 form");
    }

    /**
     * The number rule: the exact decimal value, with trailing zeros removed, written plain when its
     * decimal exponent lies in [-6, 20] and as {@code d.ddde+x} otherwise. For every number that is
     * the shortest representation of a double this is exactly what RFC 8785 (ECMAScript) prints;
     * other numbers keep all their digits instead of being rounded.
     */
    static String number(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal d = value.stripTrailingZeros();
        BigInteger unscaled = d.unscaledValue();
        String digits = unscaled.abs().toString();
        long exponent = (long) digits.length() - 1 - d.scale();
        if (exponent >= -6 && exponent <= 20) {
            return d.toPlainString();
        }
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (unscaled.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent > 0 ? '+' : '-').append(Math.abs(exponent));
        return sb.toString();
    }
}
