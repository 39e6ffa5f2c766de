package dev.syncmat.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Mutates valid JSON text the way broken clients, proxies and attackers do, for fuzzing anything
 * that reads the library's JSON forms (op lines, push and pull bodies, cursors): characters
 * flipped, inserted or deleted, the text cut short or followed by garbage, values swapped between
 * fields, fields dropped, renamed or given twice, and values replaced by odd ones: numbers in
 * every format (1e400, -0, 1.5, integers past a long), unpaired surrogate escapes, NUL, deep
 * nesting, wrong JSON types.
 *
 * <pre>{@code
 * JsonMutations.Mutant m = JsonMutations.mutate(json.writeOp(op), 2, random);
 * // reading m.text() must either succeed or throw an InvalidInputException naming a field
 * }</pre>
 *
 * <p>Mutations are drawn from the {@link Random} passed in (jqwik's {@code @ForAll Random}, or a
 * seeded one, so a failing case is reproducible from its seed); each one returns a name so a
 * property can report the mix. Thread-safe: stateless, but a {@link Random} shared between
 * threads makes the results depend on scheduling. Needs no jqwik on the class path.
 */
public final class JsonMutations {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String HOLE = "__mutant_value_7f3a__";

    /** Values that a field may be replaced with, as JSON text. */
    public static final List<String> ODD_VALUES = List.of(
            // numbers in unusual forms
            "1e400", "-1e400", "1e-400", "-0", "-0.0", "0.0", "1.5", "1.0", "1E2", "1e+2", "0.1e1", "-1", "0",
            "123456789012345678901234567890", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "2147483648", "1e2147483647", "1e-2147483648", "1e99999999999", "1" + "0".repeat(999),
            "1" + "0".repeat(1001),
            // not numbers in JSON
            "01", ".5", "+1", "NaN", "Infinity", "-Infinity", "0x10", "1_000",
            // other types
            "true", "false", "null", "[]", "{}", "[null]", "[1,\"a\"]", "{\"\":1}", "{\"c1\":1}",
            // strings
            "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"x\\ud83d\"",
            "\"\\ud83d\\ude00\"", "\"\ud83d\ude00\"", "\"\ud800\"", "\"\u00e9\"", "\"e\u0301\"", "\"\\\"\"", "\"\\\\\"",
            "\"\\n\"", "\"update\"", "\"delete\"", "\"UPDATE\"", "\"Update \"", "\"2026-11-24T10:00:00Z\"",
            "\"2026-11-24T10:00:00\"", "\"2026-11-24\"", "\"+10000-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"",
            "\"+999999999-12-31T23:59:59.999999999-18:00\"", "\"-999999999-01-01T00:00:00+18:00\"",
            "\"2026-11-24T23:59:60Z\"", "\"2026-11-24T10:00:00.123456789+14:00\"", "\"2026-02-30T10:00:00Z\"",
            "\"" + "x".repeat(300) + "\"", "\"" + "\ud83d\ude00".repeat(256) + "\"",
            // clocks and tags, right or wrong
            "{\"c1\":0}", "{\"c1\":-3}", "{\"c1\":1.0}", "{\"c1\":1e400}", "{\"c1\":\"1\"}", "{\"c1\":null}",
            "{\"\\u0000\":1}", "{\"\\ud800\":1}", "{\"c1\":9223372036854775807}", "{\"c1\":9223372036854775808}",
            "[\"a\",\"a\"]", "[\"\"]", "[null]", "[\"\\ud800\"]", "[[\"a\"]]",
            // deep nesting
            deepArray(20), deepArray(999), deepArray(1001), deepArray(100_000), deepObject(999), deepObject(2000));

    /** Tokens that may be inserted anywhere. */
    public static final List<String> TOKENS = List.of("\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\n", "\u0000",
            "\ud800", "\udc00", "\\u", "\\ud800", "\\u0000", "\\x", "null", "1e400", "-0", "e", ".", "-", "+", "/*", "*/",
            "\u00e9", "\ud83d\ude00", "\ufeff", "'", "true", "\"opId\":\"x\",", "\"kind\":\"delete\",", "\"payload\":",
            "\"tenantId\":\"other\",");

    private JsonMutations() {
    }

    /** A JSON array nested {@code depth} levels deep. */
    public static String deepArray(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** A JSON object nested {@code depth} levels deep. */
    public static String deepObject(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /**
     * A mutated text and the names of the mutations applied, in order. Immutable.
     *
     * @param text      the mutated text
     * @param mutations the names of the mutations, in the order they were applied
     */
    public record Mutant(String text, List<String> mutations) {
        /** The mutations and the text, cut at 300 characters. */
        @Override
        public String toString() {
            return mutations + " " + (text.length() <= 300 ? text : text.substring(0, 300) + "...(" + text.length() + " chars)");
        }
    }

    /** Applies {@code count} random mutations to {@code json}, one after the other. */
    public static Mutant mutate(String json, int count, Random random) {
        String text = json;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] name = new String[1];
            text = mutateOnce(text, random, name);
            names.add(name[0]);
        }
        return new Mutant(text, List.copyOf(names));
    }

    private static String mutateOnce(String text, Random random, String[] name) {
        JsonNode tree = parse(text);
        // Structural mutations keep the text valid JSON but wrong in content; they need a tree.
        if (tree != null && tree.isContainerNode() && tree.size() > 0 && random.nextInt(5) < 3) {
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    name[0] = "replace value";
                    return replaceValue(tree, random);
                }
                case 2 -> {
                    name[0] = "swap values";
                    return swapValues(tree, random, text);
                }
                case 3 -> {
                    name[0] = "drop field";
                    return dropField(tree, random, text);
                }
                case 4 -> {
                    name[0] = "rename field";
                    return renameField(tree, random, text);
                }
                default -> {
                    name[0] = "duplicate key";
                    return duplicateKey(tree, random, text);
                }
            }
        }
        int n = text.length();
        switch (random.nextInt(8)) {
            case 0 -> {
                name[0] = "flip char";
                if (n == 0) {
                    return pick(TOKENS, random);
                }
                int i = random.nextInt(n);
                char c = random.nextBoolean() ? (char) random.nextInt(0x80) : pick(TOKENS, random).charAt(0);
                return text.substring(0, i) + c + text.substring(i + 1);
            }
            case 1, 2 -> {
                name[0] = "insert token";
                int i = random.nextInt(n + 1);
                return text.substring(0, i) + pick(TOKENS, random) + text.substring(i);
            }
            case 3 -> {
                name[0] = "delete chars";
                if (n == 0) {
                    return text;
                }
                int i = random.nextInt(n);
                return text.substring(0, i) + text.substring(Math.min(n, i + 1 + random.nextInt(8)));
            }
            case 4 -> {
                name[0] = "truncate";
                return text.substring(0, random.nextInt(n + 1));
            }
            case 5 -> {
                name[0] = "trailing garbage";
                return text + pick(List.of(" x", "}", "]", "{}", "\n" + text, ",", "\u0000", " // c", "null"), random);
            }
            case 6 -> {
                name[0] = "change number format";
                return changeNumber(text, random);
            }
            default -> {
                name[0] = "insert odd value";
                int i = random.nextInt(n + 1);
                return text.substring(0, i) + pick(ODD_VALUES, random) + text.substring(i);
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }

    /** Every container in the tree, the root first. */
    private static List<ContainerNode<?>> containers(JsonNode root) {
        List<ContainerNode<?>> out = new ArrayList<>();
        List<JsonNode> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            JsonNode n = todo.remove(todo.size() - 1);
            if (n.isContainerNode() && n.size() > 0) {
                out.add((ContainerNode<?>) n);
                n.forEach(todo::add);
            }
        }
        return out;
    }

    /** A container, with the root's direct fields chosen most often (they are the op's fields). */
    private static ContainerNode<?> someContainer(JsonNode root, Random random) {
        List<ContainerNode<?>> all = containers(root);
        return random.nextInt(3) == 0 ? all.get(random.nextInt(all.size())) : all.get(0);
    }

    private static String replaceValue(JsonNode root, Random random) {
        ContainerNode<?> c = someContainer(root, random);
        if (c instanceof ObjectNode o) {
            List<String> names = fieldNames(o);
            o.set(pick(names, random), TextNode.valueOf(HOLE));
        } else {
            ((ArrayNode) c).set(random.nextInt(c.size()), TextNode.valueOf(HOLE));
        }
        return write(root).replace("\"" + HOLE + "\"", pick(ODD_VALUES, random));
    }

    private static String swapValues(JsonNode root, Random random, String text) {
        ContainerNode<?> c = someContainer(root, random);
        if (!(c instanceof ObjectNode o) || o.size() < 2) {
            return text;
        }
        List<String> names = fieldNames(o);
        String a = pick(names, random);
        String b = pick(names, random);
        JsonNode va = o.get(a);
        o.set(a, o.get(b));
        o.set(b, va);
        return write(root);
    }

    private static String dropField(JsonNode root, Random random, String text) {
        ContainerNode<?> c = someContainer(root, random);
        if (c instanceof ObjectNode o) {
            o.remove(pick(fieldNames(o), random));
        } else {
            ((ArrayNode) c).remove(random.nextInt(c.size()));
        }
        return write(root);
    }

    private static String renameField(JsonNode root, Random random, String text) {
        ContainerNode<?> c = someContainer(root, random);
        if (!(c instanceof ObjectNode o)) {
            return text;
        }
        String from = pick(fieldNames(o), random);
        String to = pick(List.of("", from.toUpperCase(java.util.Locale.ROOT), from + " ", "op_id", "tenantId", "payload",
                "\u0000", "\ud800", "__proto__", "tags", "opId"), random);
        JsonNode v = o.remove(from);
        if (c != root) {
            o.set(to, v);
            return write(root);
        }
        // At the top level the new name goes in front as text, so a rename onto an existing field
        // becomes a duplicate key.
        String rest = write(root);
        return "{" + quote(to) + ":" + write(v) + (o.size() > 0 ? "," : "") + rest.substring(1);
    }

    private static String duplicateKey(JsonNode root, Random random, String text) {
        if (!(root instanceof ObjectNode o)) {
            return text;
        }
        String key = pick(fieldNames(o), random);
        String value = random.nextBoolean() ? write(o.get(key)) : pick(ODD_VALUES, random);
        int i = text.indexOf('{');
        return text.substring(0, i + 1) + quote(key) + ":" + value + "," + text.substring(i + 1);
    }

    /** Replaces one number in the text (or inserts one) with an odd number form. */
    private static String changeNumber(String text, Random random) {
        List<int[]> numbers = new ArrayList<>();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '-' || c >= '0' && c <= '9') {
                int j = i + 1;
                while (j < text.length() && "0123456789.eE+-".indexOf(text.charAt(j)) >= 0) {
                    j++;
                }
                numbers.add(new int[] {i, j});
                i = j - 1;
            }
        }
        List<String> forms = List.of("1e400", "-0", "1.5", "1.0", "1E0", "10e-1", "123456789012345678901234567890",
                "9223372036854775808", "-1", "0", "00", "1.", "1e", "-", "0.0000001", "1e2147483648", "4.9e-324");
        if (numbers.isEmpty()) {
            return text + pick(forms, random);
        }
        int[] at = pick(numbers, random);
        return text.substring(0, at[0]) + pick(forms, random) + text.substring(at[1]);
    }

    private static List<String> fieldNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String quote(String s) {
        return write(TextNode.valueOf(s));
    }

    private static String write(JsonNode node) {
        try {
            return PLAIN.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
