package dev.syncmat.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import dev.syncmat.core.testing.JsonMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing the op reader: whatever text arrives, {@link SyncJson#readOpLine} either returns an op
 * or throws an {@link InvalidInputException} that names a field, and never anything else (no
 * NullPointerException, no Jackson exception, no StackOverflowError). What it accepts it can write
 * and read back unchanged, and reading text and reading the parsed tree agree.
 */
class SyncJsonFuzzProperties {
    private static final SyncJson JSON = SyncJson.create();

    /** The result of reading: the op line, or the refusal. */
    private record Read(OpLine line, InvalidInputException refused) {
    }

    /** Runs {@code read}; anything but a result or an {@link InvalidInputException} fails the property. */
    private static Read read(Supplier<OpLine> read, String input) {
        try {
            return new Read(read.get(), null);
        } catch (InvalidInputException e) {
            // The field is the wire name as sent, which may be "" (an unknown field with an empty key).
            assertThat(e.field()).as("field of %s", e).isNotNull();
            assertThat(e.reason()).as("reason of %s", e).isNotBlank();
            assertThat(e.getMessage()).as("message of %s", e).contains(e.reason());
            return new Read(null, e);
        } catch (Throwable t) {
            throw new AssertionError("reading " + abbreviate(input) + " threw " + t.getClass().getName()
                    + " instead of an InvalidInputException", t);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? "\"" + s + "\"" : "\"" + s.substring(0, 300) + "...\" (" + s.length() + " chars)";
    }

    /** Reads {@code text} through both entry points and checks the laws; returns what was read. */
    private static Read check(String text) {
        Read fromText = read(() -> JSON.readOpLine(text), text);
        Read fromTree = read(() -> {
            JsonNode node = SyncJson.parseTree(text, "op");
            return JSON.readOpLine(node);
        }, text);
        // The two entry points agree on what they accept and on the result.
        assertThat(fromTree.line()).as("tree reader vs text reader").isEqualTo(fromText.line());
        if (fromText.line() != null) {
            Op op = fromText.line().op();
            assertThat(JSON.readOp(JSON.writeOp(op))).as("round trip of the wire form").isEqualTo(op);
            String tenant = fromText.line().tenantId();
            assertThat(JSON.readOpLine(JSON.writeOpLine(tenant, op))).as("round trip of the line form")
                    .isEqualTo(fromText.line());
            // Written forms are canonical: writing what was read back gives the same text.
            assertThat(JSON.writeOp(JSON.readOp(JSON.writeOp(op)))).isEqualTo(JSON.writeOp(op));
        } else {
            assertThat(fromTree.refused()).isNotNull();
        }
        return fromText;
    }

    @Provide
    Arbitrary<String> validLines() {
        Arbitrary<CausalHistory> nonEmpty = CausalHistoryArbitraries.histories(CausalHistories.defaults().steps(1, 30))
                .filter(h -> !h.ops().isEmpty());
        Arbitrary<String> tenants = Arbitraries.of("tenant-1", "t\u00e9nant \ud83d\ude80", "");
        return Combinators.combine(nonEmpty, Arbitraries.integers().between(0, 1000), tenants.injectNull(0.5))
                .as((h, i, tenant) -> JSON.writeOpLine(tenant == null || tenant.isEmpty() ? null : tenant,
                        h.ops().get(i % h.ops().size())));
    }

    /** Token soup of JSON punctuation, literals, escapes and op field names: the parser's error paths. */
    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "d800", "0000", " ",
                "null", "true", "1", "-0", "1e400", ".5", "\"opId\"", "\"objectId\"", "\"objectType\"", "\"kind\"",
                "\"clock\"", "\"payload\"", "\"tags\"", "\"timestamp\"", "\"tenantId\"", "\"update\"", "\"delete\"",
                "\"c1\"", "\"x\"", "\u0000", "\ud800", "\u00e9");
        return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    /**
     * Objects made of op field names (and a few others) with values that are valid for some field
     * or odd: gets past the parser, so that every check of the reader is reached.
     */
    @Provide
    Arbitrary<String> opLikeObjects() {
        List<Arbitrary<String>> fields = List.of(
                field("opId", "\"c1-17\"", "\"\u00e9-\ud83d\ude80\""),
                field("objectId", "\"note-42\"", "\"x\""),
                field("objectType", "\"note\""),
                field("kind", "\"update\"", "\"delete\""),
                field("clock", "{\"c1\":17,\"c2\":3}", "{\"c1\":1}", "{\"c1\":9223372036854775807}"),
                field("payload", "{\"title\":\"hi\"}", "null", "1.50", "[1e400,-0]", "\"\\u0000\""),
                field("tags", "[\"inbox\"]", "[]", "[\"b\",\"a\",\"b\"]"),
                field("timestamp", "\"2026-11-24T10:00:00Z\"", "\"2026-11-24T10:00:00.5+02:00\"", "null"),
                field("tenantId", "\"t-1\"", "null"),
                field("opid", "1"));
        return Combinators.combine(fields).as(list -> "{" + String.join(",", list.stream().filter(f -> !f.isEmpty()).toList()) + "}");
    }

    /** One field: absent, with a value that is right for it, or with an odd value. */
    private static Arbitrary<String> field(String name, String... good) {
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of(good)),
                Tuple.of(1, Arbitraries.of(JsonMutations.ODD_VALUES)));
        Arbitrary<String> present = value.map(v -> "\"" + name + "\":" + v);
        return name.equals("opid") ? Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just("")), Tuple.of(1, present))
                : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")), Tuple.of(8, present));
    }

    private static final Set<String> FIELDS = Set.of("op", "opId", "objectId", "objectType", "kind", "clock", "payload",
            "tags", "timestamp", "tenantId");

    /** A label for statistics: read, or the field it was refused for (any unknown field counts as one). */
    private static String label(Read r) {
        if (r.line() != null) {
            return "read";
        }
        String f = r.refused().field();
        return "refused: " + (FIELDS.contains(f) ? f : "an unknown field");
    }

    /** Objects of op fields with good and odd values are read or refused as invalid input. */
    @Property(tries = 2000)
    void opLikeObjectsAreReadOrRefusedAsInvalidInput(@ForAll("opLikeObjects") String text) {
        Read r = check(text);
        Statistics.label("op-like object").collect(label(r));
        Statistics.label("op-like object").coverage(c -> c.check("read").percentage(p -> p >= 4));
    }

    /** The op validly written is read back equal: the starting point of every mutation below. */
    @Property(tries = 300)
    void validLinesAreRead(@ForAll("validLines") String line) {
        Read r = check(line);
        assertThat(r.refused()).as("refusal of a valid line").isNull();
    }

    /** Arbitrary text is read or refused as invalid input. */
    @Property(tries = 1000)
    void arbitraryTextIsReadOrRefusedAsInvalidInput(@ForAll String text) {
        Read r = check(text);
        Statistics.label("arbitrary text").collect(r.line() != null ? "read" : "refused");
    }

    /** Text built from JSON tokens and op field names is read or refused as invalid input. */
    @Property(tries = 1000)
    void jsonLikeTextIsReadOrRefusedAsInvalidInput(@ForAll("jsonish") String text) {
        Read r = check(text);
        Statistics.label("json-like text").collect(label(r));
    }

    /**
     * Valid op lines with one to four mutations (flipped, inserted or deleted characters, swapped,
     * dropped, renamed or duplicated fields, odd numbers, surrogates, NUL, deep nesting, trailing
     * garbage) are read or refused as invalid input; what is read round-trips.
     */
    @Property(tries = 2000)
    void mutatedOpLinesAreReadOrRefusedAsInvalidInput(@ForAll("validLines") String line,
                                                      @ForAll @IntRange(min = 1, max = 4) int mutations,
                                                      @ForAll Random random) {
        JsonMutations.Mutant mutant = JsonMutations.mutate(line, mutations, random);
        Read r = check(mutant.text());
        Statistics.label("mutation").collect(mutant.mutations().get(0));
        Statistics.label("result").collect(r.line() != null ? "read" : "refused");
        Statistics.label("refused field").collect(label(r));
        // Enough mutants survive to exercise the round trip, and enough are refused.
        Statistics.label("result").coverage(c -> {
            c.check("read").percentage(p -> p >= 3);
            c.check("refused").percentage(p -> p >= 40);
        });
        for (String kind : new String[] {"replace value", "swap values", "drop field", "rename field", "duplicate key",
                "flip char", "insert token", "delete chars", "truncate", "trailing garbage", "change number format",
                "insert odd value"}) {
            Statistics.label("mutation").coverage(c -> c.check(kind).count(n -> n >= 15));
        }
    }

    /**
     * Each odd value in place of, and next to, each field of three kinds of valid line (an update
     * with tags and timestamp, a delete, a line with a tenant), exhaustively: read or refused as
     * invalid input.
     */
    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 5000)
    void everyOddValueInEveryFieldIsReadOrRefused(@ForAll("someLines") String line,
                                                  @ForAll("oddValues") String value,
                                                  @ForAll("fields") String field) {
        JsonNode node = SyncJson.parseTree(line, "op");
        // In front of the others: when the field is already there, it is now there twice.
        Read twice = check("{\"" + field + "\":" + value + "," + line.substring(1));
        if (node.has(field)) {
            assertThat(twice.refused()).as("duplicate key \"%s\"", field).isNotNull();
        }
        // In place of the field's value.
        ObjectNode others = node.deepCopy();
        others.remove(field);
        Read r = check("{\"" + field + "\":" + value + (others.size() > 0 ? "," + others.toString().substring(1) : "}"));
        Statistics.label("odd value in a field").collect(r.line() != null ? "read" : "refused");
    }

    @Provide
    Arbitrary<String> someLines() {
        return Arbitraries.of(
                "{\"opId\":\"c1-17\",\"objectId\":\"note-42\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":"
                        + "{\"c1\":17,\"c2\":3},\"payload\":{\"title\":\"hi\"},\"tags\":[\"inbox\"],\"timestamp\":\"2026-11-24T10:00:00Z\"}",
                "{\"opId\":\"c1-18\",\"objectId\":\"note-42\",\"objectType\":\"note\",\"kind\":\"delete\",\"clock\":{\"c1\":18}}",
                "{\"tenantId\":\"t-1\",\"opId\":\"c2-1\",\"objectId\":\"x\",\"objectType\":\"task\",\"kind\":\"update\","
                        + "\"clock\":{\"c2\":1},\"payload\":null}");
    }

    @Provide
    Arbitrary<String> oddValues() {
        return Arbitraries.of(JsonMutations.ODD_VALUES);
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of("opId", "objectId", "objectType", "kind", "clock", "payload", "tags", "timestamp",
                "tenantId", "unknown");
    }

    /** Deep nesting in any field is refused or read, never a StackOverflowError. */
    @Property(tries = 60)
    void deepNestingIsNeverAStackOverflow(@ForAll @IntRange(min = 1, max = 200_000) int depth,
                                          @ForAll("fields") String field, @ForAll boolean arrays) {
        String deep = arrays ? JsonMutations.deepArray(depth) : JsonMutations.deepObject(depth);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("opId", "\"a\"");
        fields.put("objectId", "\"o\"");
        fields.put("objectType", "\"t\"");
        fields.put("kind", "\"update\"");
        fields.put("clock", "{\"c\":1}");
        fields.put("payload", "1");
        fields.put(field, deep);
        StringBuilder text = new StringBuilder("{");
        fields.forEach((k, v) -> text.append(text.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        Read r = check(text.append('}').toString());
        // deepArray/deepObject(n) nest n containers around a scalar; the default limit is 64.
        if (field.equals("payload") && depth <= 64) {
            assertThat(r.refused()).as("a payload nested %d deep", depth).isNull();
        }
        if (field.equals("payload") && depth > 64 && depth <= 900) {
            assertThat(r.refused()).as("a payload nested %d deep", depth).isNotNull()
                    .satisfies(e -> assertThat(e.field()).isEqualTo("payload"));
        }
        if (depth > 1000) {
            assertThat(r.refused()).as("%d levels of nesting", depth).isNotNull();
        }
        check(deep);
    }
}
