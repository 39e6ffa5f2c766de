package dev.syncmat.core.op;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.internal.StrictJson;

/**
 * The payload of an update in canonical JSON form, computed once when the op is built. Merging
 * compares canonical payloads as UTF-8 bytes and never parses or serializes JSON again.
 *
 * <h2>Canonical form</h2>
 * Modelled on RFC 8785 (JSON Canonicalization Scheme), with two deliberate differences:
 * <ul>
 *   <li>no insignificant whitespace; object members sorted by key in <em>UTF-8 byte order</em>
 *       (RFC 8785 sorts by UTF-16 units; the two differ only for keys with characters above
 *       U+FFFF), duplicate keys rejected;</li>
 *   <li>strings escape only {@code "}, {@code \} and control characters ({@code \n}-style where
 *       JSON has a short escape, else {@code &#92;u00xx}); all other characters are written as is;</li>
 *   <li>numbers keep their exact decimal value: trailing zeros dropped ({@code 1.50 -> 1.5},
 *       {@code 1.0 -> 1}, {@code -0 -> 0}), plain notation for decimal exponents -6..20 and
 *       {@code 1.5e+21} style otherwise. This agrees with RFC 8785 for every number that is the
 *       shortest form of a double; larger or more precise numbers are kept rather than rounded.</li>
 * </ul>
 * Two payloads that are equal as JSON values therefore have the same canonical text.
 *
 * <p>Immutable and thread-safe.
 */
public final class Payload {
    private final String json;
    private final long utf8Length;
    // See Utf8Order.belowSurrogates: true for almost all payloads, and makes compare() faster.
    private final boolean belowSurrogates;
    private int hash;
    // -1 until computed (payloads read back from storage compute it only when asked).
    private int depth;

    private Payload(String json, int depth) {
        this.json = json;
        this.utf8Length = Utf8Order.utf8Length(json);
        this.belowSurrogates = Utf8Order.belowSurrogates(json);
        this.depth = depth;
    }

    /**
     * Parses and canonicalizes {@code json}.
     *
     * @throws InvalidOpException (field {@code payload}) when it is not exactly one JSON value
     */
    public static Payload parse(String json) {
        JsonNode node;
        try {
            node = StrictJson.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidOpException("payload", "payload is not valid JSON: " + StrictJson.describe(e));
        }
        return of(node);
    }

    /**
     * Canonicalizes a parsed JSON value. Parse with exact decimals (as the library's own reader
     * does) or numbers will already have been rounded by the parser.
     *
     * @throws InvalidOpException (field {@code payload}) when a string or key holds an unpaired
     *                            surrogate (it has no UTF-8 form)
     */
    public static Payload of(JsonNode node) {
        int[] depth = new int[1];
        String json = Canonicalizer.canonicalize(node, depth);
        return new Payload(json, depth[0]);
    }

    /**
     * Wraps text that is already canonical, without checking it: for storage adapters reading back
     * what {@link #json()} returned earlier. Anything else breaks the merge's determinism.
     */
    public static Payload ofCanonicalJson(String canonicalJson) {
        return new Payload(canonicalJson, -1);
    }

    /**
     * How many arrays and objects are nested in one another: 0 for a scalar, 1 for {@code [1]} or
     * {@code {"a":1}}, 2 for {@code {"a":[1]}}.
     */
    public int depth() {
        int d = depth;
        if (d < 0) {
            d = depthOf(json);
            depth = d;
        }
        return d;
    }

    // The deepest bracket of canonical text, skipping strings (in which only \" and \\ escape a quote).
    private static int depthOf(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return max;
    }

    /** The canonical JSON text. */
    public String json() {
        return json;
    }

    /** Size of the canonical text in UTF-8 bytes; what the payload limit is checked against. */
    public long utf8Length() {
        return utf8Length;
    }

    /** Orders payloads by their canonical text as unsigned UTF-8 bytes. */
    public static int compare(Payload a, Payload b) {
        if (a == b) {
            return 0;
        }
        return Utf8Order.compare(a.json, b.json, a.belowSurrogates || b.belowSurrogates);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Payload && ((Payload) o).json.equals(json);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = json.hashCode();
            hash = h;
        }
        return h;
    }

    /** The canonical JSON text. */
    @Override
    public String toString() {
        return json;
    }
}
