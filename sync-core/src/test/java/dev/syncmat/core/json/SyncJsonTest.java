package dev.syncmat.core.json;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SyncJsonTest {
    /** The op of SPEC section 4, verbatim. */
    private static final String SPEC_OP = "{\"opId\":\"c1-17\",\"objectId\":\"note-42\",\"objectType\":\"note\",\"kind\":\"update\","
            + "\"clock\":{\"c1\":17,\"c2\":3},\"payload\":{\"title\":\"hi\"},\"tags\":[\"inbox\"],\"timestamp\":\"2026-11-24T10:00:00Z\"}";

    private static final String UNICODE = "\u00DCn\u00EFc\u00F8d\u00E9 \uD83D\uDE80"; // Ünïcødé 🚀
    private static final String SQL = "'; DROP TABLE x; --";

    private final SyncJson json = SyncJson.create();

    /** The fields of the SPEC example as raw JSON values, in wire order. */
    private static Map<String, String> specFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("opId", "\"c1-17\"");
        fields.put("objectId", "\"note-42\"");
        fields.put("objectType", "\"note\"");
        fields.put("kind", "\"update\"");
        fields.put("clock", "{\"c1\":17,\"c2\":3}");
        fields.put("payload", "{\"title\":\"hi\"}");
        fields.put("tags", "[\"inbox\"]");
        fields.put("timestamp", "\"2026-11-24T10:00:00Z\"");
        return fields;
    }

    private static String toJson(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    /** The SPEC op with one field replaced by a raw JSON value. */
    private static String with(String field, String rawValue) {
        Map<String, String> fields = specFields();
        fields.put(field, rawValue);
        return toJson(fields);
    }

    /** The SPEC op without some fields. */
    private static String without(String... names) {
        Map<String, String> fields = specFields();
        for (String name : names) {
            fields.remove(name);
        }
        return toJson(fields);
    }

    /** The SPEC op as a delete, with the given raw payload or none. */
    private static String deleteWith(String rawPayload) {
        Map<String, String> fields = specFields();
        fields.put("kind", "\"delete\"");
        if (rawPayload == null) {
            fields.remove("payload");
        } else {
            fields.put("payload", rawPayload);
        }
        return toJson(fields);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(SyncJson codec, String text, String field) {
        return assertThatThrownBy(() -> codec.readOp(text))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).as("field").isEqualTo(field);
                    assertThat(e.code()).isEqualTo("invalid_op");
                    assertThat(e.reason()).as("reason is a lower-case sentence").matches("^[a-z].*");
                });
    }

    @Test
    void specExampleOpIsRead() {
        Op op = json.readOp(SPEC_OP);
        assertThat(op.opId()).isEqualTo("c1-17");
        assertThat(op.objectId()).isEqualTo("note-42");
        assertThat(op.objectType()).isEqualTo("note");
        assertThat(op.kind()).isEqualTo(OpKind.UPDATE);
        assertThat(op.clock()).isEqualTo(VectorClock.of("c1", 17, "c2", 3));
        assertThat(op.payload().json()).isEqualTo("{\"title\":\"hi\"}");
        assertThat(op.tags()).containsExactly("inbox");
        assertThat(op.timestamp()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }

    @Test
    void writeOpOfAHandBuiltOpIsTheSpecText() {
        Op op = Op.builder().opId("c1-17").objectId("note-42").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("c2", 3, "c1", 17)).payload(Payload.parse("{ \"title\" : \"hi\" }"))
                .tags(List.of("inbox")).timestamp(Instant.parse("2026-11-24T10:00:00Z")).build();
        assertThat(json.writeOp(op)).isEqualTo(SPEC_OP);
    }

    @Test
    void writeOpOfADeleteHasNoPayloadAndNoTimestamp() {
        Op op = Op.delete("c1-18", "note-42", "note", VectorClock.of("c1", 18, "c2", 3));
        assertThat(json.writeOp(op)).isEqualTo(
                "{\"opId\":\"c1-18\",\"objectId\":\"note-42\",\"objectType\":\"note\",\"kind\":\"delete\","
                        + "\"clock\":{\"c1\":18,\"c2\":3},\"tags\":[]}");
    }

    @Test
    void writeOpLinePutsTheTenantFirst() {
        Op op = Op.delete("d", "o", "t", VectorClock.of("a", 1));
        assertThat(json.writeOpLine("acme", op)).isEqualTo(
                "{\"tenantId\":\"acme\",\"opId\":\"d\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"delete\","
                        + "\"clock\":{\"a\":1},\"tags\":[]}");
        assertThat(json.writeOpLine(null, op)).isEqualTo(json.writeOp(op));
    }

    @Test
    void writtenOpsReadBackEqual() {
        List<Op> ops = List.of(
                json.readOp(SPEC_OP),
                Op.delete("d-1", "note-42", "note", VectorClock.of("c1", 18, "c2", 3)),
                Op.update("u-1", "o", "t", VectorClock.of("a", Long.MAX_VALUE), Payload.parse("null")),
                Op.builder().opId("x\"y\\z\n\u0001").objectId("o\t").objectType("t/").kind(OpKind.UPDATE)
                        .clock(VectorClock.of("\uFF5E", 1, "\uD83D\uDE80", 2))
                        .payload(Payload.parse("{\"n\":[1.5e300,-0.000001,123456789012345678901234567890],\"s\":\"\\u0001\"}"))
                        .tags(List.of("b", "a")).timestamp(Instant.parse("2026-11-24T10:00:00.123456789Z")).build());
        for (Op op : ops) {
            assertThat(json.readOp(json.writeOp(op))).isEqualTo(op);
            OpLine line = json.readOpLine(json.writeOpLine("tenant-1", op));
            assertThat(line.tenantId()).isEqualTo("tenant-1");
            assertThat(line.op()).isEqualTo(op);
        }
    }

    @Test
    void sqlMetacharactersAndNonAsciiRoundTripExactly() {
        Op op = Op.builder().opId(SQL).objectId(UNICODE).objectType("t'ype").kind(OpKind.UPDATE)
                .clock(VectorClock.of(UNICODE, 1))
                .payload(Payload.parse("{\"u\":\"" + UNICODE + "\",\"q\":\"" + SQL + "\"}"))
                .tags(List.of(UNICODE, SQL)).build();
        String written = json.writeOp(op);
        assertThat(written).isEqualTo("{\"opId\":\"" + SQL + "\",\"objectId\":\"" + UNICODE + "\",\"objectType\":\"t'ype\","
                + "\"kind\":\"update\",\"clock\":{\"" + UNICODE + "\":1},\"payload\":{\"q\":\"" + SQL + "\",\"u\":\"" + UNICODE
                + "\"},\"tags\":[\"" + SQL + "\",\"" + UNICODE + "\"]}");
        Op read = json.readOp(written);
        assertThat(read).isEqualTo(op);
        assertThat(read.opId()).isEqualTo("'; DROP TABLE x; --");
        assertThat(read.objectId()).isEqualTo("\u00DCn\u00EFc\u00F8d\u00E9 \uD83D\uDE80");
        assertThat(read.tags()).containsExactly(SQL, UNICODE);
        assertThat(read.clock().get(UNICODE)).isEqualTo(1);
    }

    @Test
    void readOpLineReturnsTheTenantId() {
        OpLine line = json.readOpLine(with("tenantId", "\"acme\""));
        assertThat(line.tenantId()).isEqualTo("acme");
        assertThat(line.op()).isEqualTo(json.readOp(SPEC_OP));
        assertThat(json.readOpLine(SPEC_OP).tenantId()).isNull();
        assertThat(json.readOpLine(with("tenantId", "null")).tenantId()).isNull();
    }

    @Test
    void readOpIgnoresTheTenantId() {
        assertThat(json.readOp(with("tenantId", "\"acme\""))).isEqualTo(json.readOp(SPEC_OP));
    }

    @Test
    void nullPayloadOnAnUpdateIsAJsonNullPayload() {
        Op op = json.readOp(with("payload", "null"));
        assertThat(op.kind()).isEqualTo(OpKind.UPDATE);
        assertThat(op.payload()).isNotNull();
        assertThat(op.payload().json()).isEqualTo("null");
        assertThat(json.writeOp(op)).contains("\"payload\":null,");
    }

    @Test
    void payloadIsCanonicalizedOnRead() {
        Op op = json.readOp(with("payload", "{ \"b\" : 1.50, \"a\" : [ 1e2, -0 ] }"));
        assertThat(op.payload().json()).isEqualTo("{\"a\":[100,0],\"b\":1.5}");
    }

    @Test
    void payloadNumbersAreNotRoundedOnRead() {
        Op op = json.readOp(with("payload", "0.1000000000000000055511151231257827"));
        assertThat(op.payload().json()).isEqualTo("0.1000000000000000055511151231257827");
        Op fromTree = json.readOp(SyncJson.parseTree(with("payload", "[12345678901234567890123]"), "body"));
        assertThat(fromTree.payload().json()).isEqualTo("[1.2345678901234567890123e+22]");
    }

    @Test
    void fieldOrderAndWhitespaceDoNotMatter() {
        String text = " { \"timestamp\" : \"2026-11-24T10:00:00Z\" , \"tags\" : [ \"inbox\" ] , \"payload\" : { \"title\" : \"hi\" } ,"
                + "\n \"clock\" : { \"c2\" : 3 , \"c1\" : 17 } , \"kind\" : \"update\" , \"objectType\" : \"note\" ,"
                + " \"objectId\" : \"note-42\" , \"opId\" : \"c1-17\" } ";
        assertThat(json.readOp(text)).isEqualTo(json.readOp(SPEC_OP));
    }

    @Test
    void optionalFieldsMayBeAbsentOrNull() {
        Op op = json.readOp(without("tags", "timestamp"));
        assertThat(op.tags()).isEmpty();
        assertThat(op.timestamp()).isNull();
        assertThat(json.readOp(with("timestamp", "null")).timestamp()).isNull();
    }

    @Test
    void timestampWithAnOffsetIsReadAsAnInstant() {
        Op op = json.readOp(with("timestamp", "\"2026-11-24T10:00:00+02:00\""));
        assertThat(op.timestamp()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    }

    @Test
    void timestampsAtTheEdgesOfTheRangeRoundTrip() {
        for (String t : List.of("+999999999-12-31T23:59:59.999999999Z", "-999999999-01-01T00:00:00Z",
                "+999999999-12-31T05:59:59+18:00", "-999999999-01-01T18:00:00+18:00")) {
            Op op = json.readOp(with("timestamp", "\"" + t + "\""));
            assertThat(json.readOp(json.writeOp(op))).as(t).isEqualTo(op);
        }
    }

    @Test
    void deleteWithoutPayloadIsRead() {
        Op op = json.readOp(deleteWith(null));
        assertThat(op.isDelete()).isTrue();
        assertThat(op.payload()).isNull();
    }

    static Stream<Arguments> badOps() {
        return Stream.of(
                arguments("truncated JSON", "{\"opId\":\"c1-17\",", "op", "op is not valid JSON: ", null),
                arguments("not JSON", "hello", "op", "op is not valid JSON: ", null),
                arguments("no text", "", "op", "op is not valid JSON: ", null),
                arguments("two values", SPEC_OP + " {}", "op", "op is not valid JSON: ", null),
                arguments("exponent beyond BigDecimal in payload", with("payload", "1e99999999999"), "op",
                        "op is not valid JSON: number is out of range", null),
                arguments("exponent beyond int in clock", with("clock", "{\"c1\":1e2147483648}"), "op",
                        "op is not valid JSON: number is out of range", null),
                arguments("scale beyond int in opId", with("opId", "1e-2147483648"), "op",
                        "op is not valid JSON: number is out of range", null),
                arguments("duplicate field", "{\"opId\":\"x\"," + SPEC_OP.substring(1), "op", "Duplicate field 'opId'", null),
                arguments("an array", "[" + SPEC_OP + "]", "op", "op must be a JSON object, but was an array", null),
                arguments("a string", "\"op\"", "op", "op must be a JSON object, but was a string", null),
                arguments("missing opId", without("opId"), "opId", "opId is required", null),
                arguments("null opId", with("opId", "null"), "opId", "opId is required", null),
                arguments("missing objectId", without("objectId"), "objectId", "objectId is required", "c1-17"),
                arguments("missing objectType", without("objectType"), "objectType", "objectType is required", "c1-17"),
                arguments("missing kind", without("kind"), "kind", "kind must be \"update\" or \"delete\", but was missing", "c1-17"),
                arguments("missing clock", without("clock"), "clock", "clock must have at least one actor", "c1-17"),
                arguments("missing payload on an update", without("payload"), "payload", "payload is required for an update", "c1-17"),
                arguments("unknown field", with("payLoad", "{\"title\":\"hi\"}"), "payLoad", "unknown field \"payLoad\"", "c1-17"),
                arguments("unknown kind", with("kind", "\"upsert\""), "kind",
                        "kind must be \"update\" or \"delete\", but was \"upsert\"", "c1-17"),
                arguments("kind in another case", with("kind", "\"Update\""), "kind", "but was \"Update\"", "c1-17"),
                arguments("number opId", with("opId", "17"), "opId", "opId must be a string, but was a number", null),
                arguments("object objectId", with("objectId", "{}"), "objectId", "objectId must be a string, but was an object", "c1-17"),
                arguments("boolean kind", with("kind", "true"), "kind", "kind must be a string, but was a boolean", "c1-17"),
                arguments("string counter", with("clock", "{\"c1\":\"17\"}"), "clock",
                        "clock counter for actor \"c1\" must be an integer >= 1, but was a string", "c1-17"),
                arguments("zero counter", with("clock", "{\"c1\":0}"), "clock",
                        "clock counter for actor \"c1\" must be >= 1, but was 0", "c1-17"),
                arguments("negative counter", with("clock", "{\"c2\":1,\"c1\":-3}"), "clock",
                        "clock counter for actor \"c1\" must be >= 1, but was -3", "c1-17"),
                arguments("fractional counter", with("clock", "{\"c1\":1.5}"), "clock",
                        "clock counter for actor \"c1\" must be an integer >= 1, but was 1.5", "c1-17"),
                arguments("counter beyond long", with("clock", "{\"c1\":9223372036854775808}"), "clock",
                        "clock counter for actor \"c1\" must be an integer >= 1, but was 9223372036854775808", "c1-17"),
                arguments("null counter", with("clock", "{\"c1\":null}"), "clock", "but was null", "c1-17"),
                arguments("clock as an array", with("clock", "[17]"), "clock", "clock must be a JSON object, but was an array", "c1-17"),
                arguments("empty clock", with("clock", "{}"), "clock", "clock must have at least one actor", "c1-17"),
                arguments("empty actor", with("clock", "{\"\":1}"), "clock", "clock actor id must not be empty", "c1-17"),
                arguments("empty opId", with("opId", "\"\""), "opId", "opId must not be empty", null),
                arguments("empty objectId", with("objectId", "\"\""), "objectId", "objectId must not be empty", "c1-17"),
                arguments("empty objectType", with("objectType", "\"\""), "objectType", "objectType must not be empty", "c1-17"),
                arguments("NUL in objectId", with("objectId", "\"a\\u0000\""), "objectId", "U+0000", "c1-17"),
                arguments("tags as a string", with("tags", "\"inbox\""), "tags", "tags must be an array of strings, but was a string", "c1-17"),
                arguments("number tag", with("tags", "[\"a\",1]"), "tags", "tags must be an array of strings, but held a number", "c1-17"),
                arguments("empty tag", with("tags", "[\"\"]"), "tags", "tags must not contain an empty string", "c1-17"),
                arguments("delete with payload", deleteWith("{\"title\":\"hi\"}"), "payload", "payload must be absent for a delete", "c1-17"),
                arguments("delete with null payload", deleteWith("null"), "payload", "payload must be absent for a delete", "c1-17"),
                arguments("lone surrogate in payload", with("payload", "\"\\ud800\""), "payload", "unpaired surrogate (\\ud800)", "c1-17"),
                arguments("word timestamp", with("timestamp", "\"yesterday\""), "timestamp",
                        "timestamp must be an ISO-8601 date-time with offset, such as 2026-11-24T10:00:00Z, but was \"yesterday\"", "c1-17"),
                arguments("timestamp without offset", with("timestamp", "\"2026-11-24T10:00:00\""), "timestamp",
                        "but was \"2026-11-24T10:00:00\"", "c1-17"),
                arguments("impossible date", with("timestamp", "\"2026-02-30T10:00:00Z\""), "timestamp", "2026-02-30", "c1-17"),
                arguments("timestamp past the last year in UTC", with("timestamp", "\"+999999999-12-31T23:59:59-18:00\""),
                        "timestamp", "timestamp must lie in the years -999999999 to 999999999 in UTC", "c1-17"),
                arguments("timestamp before the first year in UTC", with("timestamp", "\"-999999999-01-01T00:00:00+00:01\""),
                        "timestamp", "but was \"-999999999-01-01T00:00:00+00:01\"", "c1-17"),
                arguments("number timestamp", with("timestamp", "1764000000"), "timestamp",
                        "timestamp must be an ISO-8601 string, but was a number", "c1-17"),
                arguments("empty tenantId", with("tenantId", "\"\""), "tenantId", "tenantId must not be empty", "c1-17"),
                arguments("number tenantId", with("tenantId", "7"), "tenantId", "tenantId must be a string, but was a number", "c1-17"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOps")
    void badOpIsRejectedNamingTheField(String description, String text, String field, String message, String opId) {
        assertRejected(json, text, field)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    InvalidOpException ex = (InvalidOpException) e;
                    assertThat(ex.opId()).as("op id").isEqualTo(opId);
                    if (opId != null) {
                        assertThat(ex.getMessage()).startsWith("op \"" + opId + "\": ");
                    }
                });
    }

    static Stream<Arguments> unusableOpIds() {
        return Stream.of(
                arguments("empty", "\"\"", "opId"),
                arguments("with NUL", "\"x\\u0000\"", "opId"),
                arguments("with a lone surrogate", "\"x\\ud800\"", "opId"),
                arguments("over the length limit", "\"" + "x".repeat(300) + "\"", "opId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableOpIds")
    void unusableOpIdIsRejectedWithoutNamingTheOpByIt(String description, String rawOpId, String field) {
        assertRejected(json, with("opId", rawOpId), field)
                .hasMessageStartingWith("opId ")
                .satisfies(e -> assertThat(((InvalidOpException) e).opId()).isNull());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableOpIds")
    void otherErrorsDoNotNameTheOpByAnUnusableId(String description, String rawOpId, String ignored) {
        Map<String, String> fields = specFields();
        fields.put("opId", rawOpId);
        fields.put("kind", "\"upsert\"");
        assertRejected(json, toJson(fields), "kind")
                .hasMessage("kind must be \"update\" or \"delete\", but was \"upsert\"")
                .satisfies(e -> assertThat(((InvalidOpException) e).opId()).isNull());
    }

    @Test
    void badOpIsAnInvalidInput() {
        assertThatThrownBy(() -> json.readOp("[]")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void idsOverTheLengthLimitAreRejected() {
        assertRejected(json, with("opId", "\"" + "x".repeat(256) + "\""), "opId")
                .hasMessageContaining("opId must be at most 255 characters")
                .hasMessageContaining("had 256");
        assertRejected(json, with("objectId", "\"" + "x".repeat(256) + "\""), "objectId")
                .hasMessageContaining("objectId must be at most 255 characters").hasMessageContaining("had 256");
        assertRejected(json, with("objectType", "\"" + "x".repeat(256) + "\""), "objectType")
                .hasMessageContaining("objectType must be at most 255 characters").hasMessageContaining("had 256");
        assertRejected(json, with("clock", "{\"" + "a".repeat(256) + "\":1}"), "clock")
                .hasMessageContaining("clock actor id must be at most 255 characters").hasMessageContaining("had 256");
    }

    @Test
    void idsAtTheLengthLimitInCodePointsAreAccepted() {
        String rockets = "\uD83D\uDE80".repeat(255);
        Op op = json.readOp(with("objectId", "\"" + rockets + "\""));
        assertThat(op.objectId()).isEqualTo(rockets);
    }

    @Test
    void tagOverTheLengthLimitIsRejected() {
        assertThat(json.readOp(with("tags", "[\"" + "t".repeat(128) + "\"]")).tags()).hasSize(1);
        assertRejected(json, with("tags", "[\"" + "t".repeat(129) + "\"]"), "tags")
                .hasMessageContaining("tag must be at most 128 characters")
                .hasMessageContaining("had 129");
    }

    @Test
    void tooManyTagsAreRejected() {
        assertThat(json.readOp(with("tags", stringArray(64))).tags()).hasSize(64);
        assertRejected(json, with("tags", stringArray(65)), "tags")
                .hasMessageContaining("tags must have at most 64 entries, but had 65");
    }

    @Test
    void tooManyClockEntriesAreRejected() {
        assertThat(json.readOp(with("clock", clockObject(1000))).clock().size()).isEqualTo(1000);
        assertRejected(json, with("clock", clockObject(1001)), "clock")
                .hasMessageContaining("clock must have at most 1000 actors, but had 1001");
    }

    @Test
    void payloadOverTheLimitIsRejected() {
        SyncJson small = SyncJson.withLimits(Limits.defaults().withMaxPayloadBytes(10));
        assertThat(small.limits().maxPayloadBytes()).isEqualTo(10);
        assertThat(small.readOp(with("payload", "\"12345678\"")).payload().utf8Length()).isEqualTo(10);
        assertRejected(small, SPEC_OP, "payload")
                .hasMessageContaining("payload must be at most 10 bytes of canonical JSON, but was 14");
        // {"title":"hi"} is 14 ASCII characters
        assertThat(json.readOp(SPEC_OP).payload().utf8Length()).isEqualTo(14);
    }

    @Test
    void tightenedLimitsApplyToEveryField() {
        SyncJson strict = SyncJson.withLimits(new Limits(100, 3, 1, 2, 1));
        String ok = "{\"opId\":\"abc\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"update\",\"clock\":{\"a\":1},"
                + "\"payload\":1,\"tags\":[\"ab\"]}";
        assertThat(strict.readOp(ok).opId()).isEqualTo("abc");
        assertRejected(strict, ok.replace("\"abc\"", "\"abcd\""), "opId").hasMessage("opId must be at most 3 characters, but \"abcd\" had 4");
        assertRejected(strict, ok.replace("{\"a\":1}", "{\"a\":1,\"b\":1}"), "clock").hasMessageContaining("at most 1 actors, but had 2");
        assertRejected(strict, ok.replace("[\"ab\"]", "[\"ab\",\"cd\"]"), "tags").hasMessageContaining("at most 1 entries, but had 2");
        assertRejected(strict, ok.replace("[\"ab\"]", "[\"abc\"]"), "tags").hasMessageContaining("at most 2 characters");
    }

    @Test
    void objectIsWrittenInWireForm() {
        MaterializedObject object = new MaterializedObject("note-42", "note", List.of("inbox", "work"),
                Payload.parse("{\"title\":\"hi\"}"), false, VectorClock.of("c1", 17, "c2", 3),
                VectorClock.of("c3", 1, "c1", 17, "c2", 3), "c1-17", 2);
        assertThat(json.writeObject(object)).isEqualTo("{\"objectId\":\"note-42\",\"objectType\":\"note\",\"tags\":[\"inbox\",\"work\"],"
                + "\"payload\":{\"title\":\"hi\"},\"deleted\":false,\"clock\":{\"c1\":17,\"c2\":3},\"context\":{\"c1\":17,\"c2\":3,\"c3\":1},"
                + "\"winnerOpId\":\"c1-17\",\"heads\":2}");
        assertThat(json.writeObject(object, null)).isEqualTo(json.writeObject(object));
    }

    @Test
    void objectWithTenantHasTheTenantFirst() {
        MaterializedObject object = new MaterializedObject("o", "t", List.of(), Payload.parse("[1]"), false,
                VectorClock.of("a", 1), VectorClock.of("a", 1), "op-1", 1);
        assertThat(json.writeObject(object, "acme")).isEqualTo("{\"tenantId\":\"acme\",\"objectId\":\"o\",\"objectType\":\"t\","
                + "\"tags\":[],\"payload\":[1],\"deleted\":false,\"clock\":{\"a\":1},\"context\":{\"a\":1},\"winnerOpId\":\"op-1\",\"heads\":1}");
    }

    @Test
    void deletedObjectHasANullPayload() {
        MaterializedObject object = new MaterializedObject("note-42", "note", List.of(), null, true,
                VectorClock.of("c1", 18), VectorClock.of("c1", 18), "c1-18", 1);
        assertThat(json.writeObject(object)).isEqualTo("{\"objectId\":\"note-42\",\"objectType\":\"note\",\"tags\":[],"
                + "\"payload\":null,\"deleted\":true,\"clock\":{\"c1\":18},\"context\":{\"c1\":18},\"winnerOpId\":\"c1-18\",\"heads\":1}");
    }

    @Test
    void liveObjectWithANullJsonPayloadIsNotDeleted() {
        MaterializedObject object = new MaterializedObject("o", "t", List.of(), Payload.parse("null"), false,
                VectorClock.of("a", 1), VectorClock.of("a", 1), "op-1", 1);
        assertThat(json.writeObject(object)).contains("\"payload\":null,\"deleted\":false,");
    }

    private static String stringArray(int count) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("\"tag-" + i + "\"");
        }
        return "[" + String.join(",", items) + "]";
    }

    private static String clockObject(int count) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("\"actor-" + i + "\":1");
        }
        return "{" + String.join(",", items) + "}";
    }
}
