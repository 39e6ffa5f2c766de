package dev.syncmat.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The one Jackson configuration used to read client JSON. Strict where leniency would make two
 * servers disagree: duplicate object keys are an error (which of the two wins is otherwise up to
 * the parser), trailing tokens are an error, and numbers keep their exact decimal value instead
 * of being rounded to a double.
 */
public final class StrictJson {
    /** Thread-safe once configured, as Jackson documents. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private StrictJson() {
    }

    /**
     * Parses {@code json} into a tree.
     *
     * @throws JsonProcessingException with Jackson's description of what is malformed
     */
    public static JsonNode readTree(String json) throws JsonProcessingException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (NumberFormatException e) {
            // Jackson reports a number whose exponent is beyond BigDecimal's range (1e99999999999,
            // 1e-2147483648) this way rather than as a parse error.
            throw new NumberOutOfRangeException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw new EmptyJsonException();
        }
        return node;
    }

    /** A short description of a parse failure without Jackson's source excerpt. */
    public static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        if (msg.startsWith("Trailing token")) {
            msg = "unexpected content after the JSON value";
        }
        int source = msg.indexOf("[Source:");
        if (source >= 0) {
            msg = msg.substring(0, source).strip();
        }
        if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
            msg += " (at column " + e.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    /** Thrown by {@link #readTree} for input that holds no JSON value at all. */
    public static final class EmptyJsonException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        EmptyJsonException() {
            super("no JSON value in input", (JsonLocation) null);
        }
    }

    /** Thrown by {@link #readTree} for a number whose exponent is beyond what an exact decimal can hold. */
    public static final class NumberOutOfRangeException extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        NumberOutOfRangeException(NumberFormatException cause) {
            super("number is out of range: its exponent is too large or too small", (JsonLocation) null, cause);
        }
    }
}
