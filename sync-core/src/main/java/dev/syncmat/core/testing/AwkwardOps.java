package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The ops {@link MergePolicyLaws} compares: ops of one object (mostly) built from small pools of
 * awkward values, each op described by a {@link Choice} of indices into the pools. Every pool
 * lists its simplest value first, so lowering an index simplifies the op: the laws' shrinker
 * and jqwik's both shrink towards index 0.
 *
 * <p>Immutable and thread-safe.
 */
final class AwkwardOps {
    /** Op ids: a prefix of another, upper case, non-ASCII, astral, and two whose UTF-16 and UTF-8 orders differ. */
    static final List<String> OP_IDS = List.of("a", "b", "c", "a-1", "A", "\u00e9", "\uD835\uDD1E", "\uFFFF",
            "\uD800\uDC00", "z\u0301");
    static final List<String> OBJECT_IDS = List.of("o", "note-1", "\uD835\uDD2Cbj");
    static final List<String> TYPES = List.of("note", "task", "\u00fc");
    static final List<VectorClock> CLOCKS = List.of(VectorClock.of("a", 1), VectorClock.of("b", 1),
            VectorClock.of("a", 2), VectorClock.of("a", 1, "b", 1), VectorClock.of("\uD835\uDD1E", 1),
            VectorClock.of("a", Long.MAX_VALUE), VectorClock.of("\u00e9", 3, "b", 2));
    /**
     * Payloads: numbers equal as JSON but written differently (1, 1.0, 1e0, 10e-1 are one
     * canonical payload), empty and nested values, strings that look alike, unicode from every
     * plane, huge and precise numbers, and objects equal up to key order.
     */
    static final List<String> PAYLOADS = List.of("0", "1", "1.0", "1e0", "10e-1", "-0", "\"\"", "null", "true",
            "false", "[]", "{}", "\"1\"", "\"a\"", "\"A\"", "\"\u00e9\"", "\"e\u0301\"", "\"\uD83D\uDE80\"", "\"\\n\"",
            "\"\uFFFF\"", "-1.5", "1e400", "123456789012345678901234567890", "{\"a\":2,\"b\":1}", "{\"b\":1,\"a\":2}",
            "[1,[2,{\"c\":null}]]", "{\"a\":{\"b\":[]}}", "[\"\",{}]");
    static final List<String> TAGS = List.of("inbox", "work", "stra\u00dfe", "\uD83D\uDE80");
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    /** No timestamp first; then instants a fraction of a second apart, and far apart. */
    static final List<Instant> TIMESTAMPS = List.of(T0, T0.plusMillis(400), T0.plusMillis(800),
            T0.plusMillis(1200), T0.plusSeconds(3600), T0.minusSeconds(86_400));

    /** Number of values of each field of a {@link Choice}, given the size of the payload pool. */
    static int[] sizes(int payloads) {
        return new int[] {OP_IDS.size(), OBJECT_IDS.size(), TYPES.size(), 2, CLOCKS.size(), payloads,
                1 << TAGS.size(), TIMESTAMPS.size() + 1};
    }

    /** One op, as indices into the pools; {@code kind} 0 is an update, 1 a delete; timestamp 0 is none. */
    record Choice(int opId, int object, int type, int kind, int clock, int payload, int tags, int timestamp) {
        /** The indices as an array, in the order of {@link #sizes}. */
        int[] toArray() {
            return new int[] {opId, object, type, kind, clock, payload, tags, timestamp};
        }

        static Choice ofArray(int[] v) {
            return new Choice(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
    }

    private final List<String> payloadTexts;
    private final List<Payload> payloads;
    private final int domainPayloads;

    /** Ops whose payloads are {@code domain} (first, so preferred when shrinking), then the awkward pool. */
    AwkwardOps(List<String> domain) {
        List<String> texts = new ArrayList<>(domain);
        texts.addAll(PAYLOADS);
        this.payloadTexts = List.copyOf(texts);
        List<Payload> parsed = new ArrayList<>();
        for (String text : texts) {
            parsed.add(Payload.parse(text));
        }
        this.payloads = List.copyOf(parsed);
        this.domainPayloads = domain.size();
    }

    int payloadCount() {
        return payloads.size();
    }

    /** The JSON text a payload index was written as (before canonicalization). */
    String payloadText(int index) {
        return payloadTexts.get(index % payloadTexts.size());
    }

    /** The op a choice describes; indices are taken modulo their pool's size. */
    Op op(Choice c) {
        boolean delete = c.kind() % 2 == 1;
        List<String> tags = new ArrayList<>();
        for (int t = 0; t < TAGS.size(); t++) {
            if ((c.tags() & (1 << t)) != 0) {
                tags.add(TAGS.get(t));
            }
        }
        int ts = c.timestamp() % (TIMESTAMPS.size() + 1);
        return Op.builder()
                .opId(OP_IDS.get(c.opId() % OP_IDS.size()))
                .objectId(OBJECT_IDS.get(c.object() % OBJECT_IDS.size()))
                .objectType(TYPES.get(c.type() % TYPES.size()))
                .kind(delete ? OpKind.DELETE : OpKind.UPDATE)
                .clock(CLOCKS.get(c.clock() % CLOCKS.size()))
                .payload(delete ? null : payloads.get(c.payload() % payloads.size()))
                .tags(tags)
                .timestamp(ts == 0 ? null : TIMESTAMPS.get(ts - 1))
                .build();
    }

    /** A random choice: a quarter deletes, most ops of the first object, half the payloads from the domain (if any). */
    Choice random(Random random) {
        int payload = domainPayloads > 0 && random.nextBoolean() ? random.nextInt(domainPayloads)
                : random.nextInt(payloads.size());
        return new Choice(random.nextInt(OP_IDS.size()), random.nextInt(4) == 0 ? random.nextInt(OBJECT_IDS.size()) : 0,
                random.nextInt(TYPES.size()), random.nextInt(4) == 0 ? 1 : 0, random.nextInt(CLOCKS.size()), payload,
                random.nextInt(1 << TAGS.size()), random.nextInt(TIMESTAMPS.size() + 1));
    }

    /** A copy of {@code base} with one or two fields drawn again: ops that nearly tie. */
    Choice variant(Choice base, Random random) {
        int[] v = base.toArray();
        int[] sizes = sizes(payloads.size());
        int changes = 1 + random.nextInt(2);
        for (int i = 0; i < changes; i++) {
            int field = random.nextInt(v.length);
            v[field] = random.nextInt(sizes[field]);
        }
        return Choice.ofArray(v);
    }

    /** Three choices, the second and third often variants of an earlier one. */
    List<Choice> triple(Random random) {
        Choice a = random(random);
        Choice b = random.nextBoolean() ? variant(a, random) : random(random);
        Choice c = random.nextBoolean() ? variant(random.nextBoolean() ? a : b, random) : random(random);
        return List.of(a, b, c);
    }
}
