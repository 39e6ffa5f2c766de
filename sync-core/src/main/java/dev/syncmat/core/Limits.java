package dev.syncmat.core;

/**
 * Size limits on client input, in one place. Every limit is checked before anything is written,
 * and a value over a limit is an {@link InvalidInputException} naming the field.
 *
 * <p>Defaults: payload 1 MiB of canonical UTF-8 JSON, nested at most 64 arrays or objects deep;
 * ids (op, object, type, actor) 255 code points; 64 tags of at most 128 code points each; 1,000
 * actors in a clock. Lengths are counted in Unicode code points, which is what PostgreSQL counts
 * for text.
 *
 * <p>Immutable and thread-safe. Build variants with the {@code with...} methods:
 * {@code Limits.defaults().withMaxPayloadBytes(64 * 1024)}.
 *
 * @param maxPayloadBytes largest canonical payload, in UTF-8 bytes
 * @param maxIdLength     longest op id, object id, object type or clock actor, in code points
 * @param maxTags         most tags on one op
 * @param maxTagLength    longest tag, in code points
 * @param maxClockActors  most entries in one vector clock
 * @param maxPayloadDepth most arrays and objects nested in one another in a payload ({@code 1} and
 *                        {@code "x"} are 0 deep, {@code {"a":[1]}} is 2); deeper payloads break
 *                        clients' JSON parsers (Python's stops near 1,000) before they reach the
 *                        store's
 */
public record Limits(int maxPayloadBytes, int maxIdLength, int maxTags, int maxTagLength, int maxClockActors,
                     int maxPayloadDepth) {
    private static final Limits DEFAULTS = new Limits(1024 * 1024, 255, 64, 128, 1000, 64);

    /** Validates that every limit is positive. */
    public Limits {
        positive("maxPayloadBytes", maxPayloadBytes);
        positive("maxIdLength", maxIdLength);
        positive("maxTags", maxTags);
        positive("maxTagLength", maxTagLength);
        positive("maxClockActors", maxClockActors);
        positive("maxPayloadDepth", maxPayloadDepth);
    }

    /** The limits of the first version, before the nesting limit: {@code maxPayloadDepth} is 64. */
    public Limits(int maxPayloadBytes, int maxIdLength, int maxTags, int maxTagLength, int maxClockActors) {
        this(maxPayloadBytes, maxIdLength, maxTags, maxTagLength, maxClockActors, 64);
    }

    /** The documented defaults. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** A copy with another payload limit. */
    public Limits withMaxPayloadBytes(int value) {
        return new Limits(value, maxIdLength, maxTags, maxTagLength, maxClockActors, maxPayloadDepth);
    }

    /** A copy with another id length limit. */
    public Limits withMaxIdLength(int value) {
        return new Limits(maxPayloadBytes, value, maxTags, maxTagLength, maxClockActors, maxPayloadDepth);
    }

    /** A copy with another limit on the number of tags. */
    public Limits withMaxTags(int value) {
        return new Limits(maxPayloadBytes, maxIdLength, value, maxTagLength, maxClockActors, maxPayloadDepth);
    }

    /** A copy with another tag length limit. */
    public Limits withMaxTagLength(int value) {
        return new Limits(maxPayloadBytes, maxIdLength, maxTags, value, maxClockActors, maxPayloadDepth);
    }

    /** A copy with another limit on clock entries. */
    public Limits withMaxClockActors(int value) {
        return new Limits(maxPayloadBytes, maxIdLength, maxTags, maxTagLength, value, maxPayloadDepth);
    }

    /** A copy with another nesting limit on payloads. */
    public Limits withMaxPayloadDepth(int value) {
        return new Limits(maxPayloadBytes, maxIdLength, maxTags, maxTagLength, maxClockActors, value);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, but was " + value);
        }
    }

    /** Length of {@code s} in Unicode code points. */
    public static int codePointLength(String s) {
        return s.codePointCount(0, s.length());
    }
}
