package dev.syncmat.core.op;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.internal.StrictJson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The payload of an update in canonical JSON form, computed once when the op is built (or, for a
 * {@link #deferred} payload, read once when first needed). Merging
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
    // Null until a deferred payload is first read; then set once, after the fields it guards.
    private volatile String json;
    private Supplier<String> source;
    // For a payload of a Source: the source and its key, so that readTogether can read it with others.
    private final Source batch;
    private final String key;
    private long utf8Length;
    // See Utf8Order.belowSurrogates: true for almost all payloads, and makes compare() faster.
    private boolean belowSurrogates;
    private int hash;
    // -1 until computed (payloads read back from storage compute it only when asked).
    private int depth;

    private Payload(String json, int depth) {
        this.batch = null;
        this.key = null;
        this.utf8Length = Utf8Order.utf8Length(json);
        this.belowSurrogates = Utf8Order.belowSurrogates(json);
        this.depth = depth;
        this.json = json;
    }

    private Payload(Supplier<String> source) {
        this(source, null, null);
    }

    private Payload(Supplier<String> source, Source batch, String key) {
        this.source = source;
        this.batch = batch;
        this.key = key;
        this.depth = -1;
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
     * A payload whose canonical text is read from {@code canonicalJson} the first time anything
     * needs it (at most once, even across threads), for storage adapters that keep payloads apart
     * from the heads that carry them and read them only when a merge compares them. The same rules
     * as {@link #ofCanonicalJson} apply to the text; a failure of the supplier is thrown to whoever
     * reads the payload first, and again to the next reader.
     */
    public static Payload deferred(Supplier<String> canonicalJson) {
        return new Payload(Objects.requireNonNull(canonicalJson, "canonicalJson"));
    }

    /**
     * A source of deferred payloads that can read several in one call: {@link #payload} makes a
     * payload that, read alone, asks the reader for its key only, and {@link #readTogether} asks it
     * once for every unread payload of this source in a collection. For storage adapters that keep
     * payloads apart from the heads that carry them and pay a round trip per read. Thread-safe.
     */
    public static final class Source {
        private final Function<List<String>, Map<String, String>> reader;
        private final Function<String, RuntimeException> missing;

        private Source(Function<List<String>, Map<String, String>> reader, Function<String, RuntimeException> missing) {
            this.reader = reader;
            this.missing = missing;
        }

        /**
         * A payload whose canonical text is the reader's answer for {@code key}, read the first time
         * anything needs it or by {@link #readTogether}; the same rules as {@link #ofCanonicalJson}
         * apply to the text.
         */
        public Payload payload(String key) {
            Objects.requireNonNull(key, "key");
            return new Payload(() -> {
                String text = reader.apply(List.of(key)).get(key);
                if (text == null) {
                    throw missing.apply(key);
                }
                return text;
            }, this, key);
        }
    }

    /**
     * A source of deferred payloads read by {@code reader}, which is given keys (distinct, in no
     * particular order) and answers the canonical text of those it has; a key it leaves out makes
     * the payload's lone read throw {@code missing}'s exception (a {@link #readTogether} leaves it
     * unread instead, so that it fails only if it is needed).
     */
    public static Source source(Function<List<String>, Map<String, String>> reader,
                                Function<String, RuntimeException> missing) {
        return new Source(Objects.requireNonNull(reader, "reader"), Objects.requireNonNull(missing, "missing"));
    }

    /**
     * Reads the unread payloads among {@code payloads} that come from a {@link Source}: one call of
     * each source's reader for all of its keys. Payloads that are read already, not deferred or
     * deferred by a plain supplier are left as they are. The result of every later read is the same
     * as without this call; only the number of reads changes.
     */
    public static void readTogether(Collection<Payload> payloads) {
        Map<Source, Map<String, List<Payload>>> unread = new LinkedHashMap<>();
        for (Payload p : payloads) {
            if (p != null && p.json == null && p.batch != null) {
                unread.computeIfAbsent(p.batch, b -> new LinkedHashMap<>())
                        .computeIfAbsent(p.key, k -> new ArrayList<>()).add(p);
            }
        }
        unread.forEach((source, byKey) -> {
            Map<String, String> texts = source.reader.apply(new ArrayList<>(byKey.keySet()));
            byKey.forEach((key, list) -> {
                String text = texts.get(key);
                if (text != null) {
                    list.forEach(p -> p.fill(text));
                }
            });
        });
    }

    /** Sets the text of a deferred payload not read yet (else keeps what it read). */
    private synchronized void fill(String text) {
        if (json == null) {
            utf8Length = Utf8Order.utf8Length(text);
            belowSurrogates = Utf8Order.belowSurrogates(text);
            json = text;
            source = null;
        }
    }

    /** The canonical text, read from the source first if the payload is deferred. */
    private String text() {
        String j = json;
        if (j == null) {
            synchronized (this) {
                if (json == null) {
                    fill(Objects.requireNonNull(source.get(), "deferred payload text"));
                }
                j = json;
            }
        }
        return j;
    }

    /**
     * How many arrays and objects are nested in one another: 0 for a scalar, 1 for {@code [1]} or
     * {@code {"a":1}}, 2 for {@code {"a":[1]}}.
     */
    public int depth() {
        int d = depth;
        if (d < 0) {
            d = depthOf(text());
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

    /**
     * Whether the canonical text is at hand without reading anything: always for a payload that is
     * not deferred, and for a deferred one once it has been read.
     */
    public boolean isRead() {
        return json != null;
    }

    /** The canonical JSON text. */
    public String json() {
        return text();
    }

    /** Size of the canonical text in UTF-8 bytes; what the payload limit is checked against. */
    public long utf8Length() {
        text();
        return utf8Length;
    }

    /** Orders payloads by their canonical text as unsigned UTF-8 bytes. */
    public static int compare(Payload a, Payload b) {
        if (a == b) {
            return 0;
        }
        String x = a.text();
        String y = b.text();
        return Utf8Order.compare(x, y, a.belowSurrogates || b.belowSurrogates);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Payload && ((Payload) o).text().equals(text());
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = text().hashCode();
            hash = h;
        }
        return h;
    }

    /** The canonical JSON text. */
    @Override
    public String toString() {
        return text();
    }
}
