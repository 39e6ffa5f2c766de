package dev.syncmat.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.InvalidClockException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.internal.StrictJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes the JSON wire forms (camelCase):
 * <pre>
 * op:     {"opId":"c1-17","objectId":"note-42","objectType":"note","kind":"update",
 *          "clock":{"c1":17,"c2":3},"payload":{"title":"hi"},"tags":["inbox"],
 *          "timestamp":"2026-11-24T10:00:00Z"}
 * object: {"objectId":"note-42","objectType":"note","tags":["inbox"],"payload":{"title":"hi"},
 *          "deleted":false,"clock":{..},"context":{..},"winnerOpId":"c1-17","heads":1}
 * </pre>
 * Reading is strict: unknown fields, wrong JSON types, duplicate keys and values over the
 * configured {@link Limits} are {@link InvalidOpException}s naming the field. {@code tenantId} is
 * accepted on an op (the JSON-lines exchange format carries it) and returned by
 * {@link #readOpLine}; {@link #readOp} ignores it, because a server takes the tenant from the
 * caller's credentials. Writing is deterministic: fixed field order, canonical clocks and payloads.
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncJson {
    private static final SyncJson DEFAULT = new SyncJson(Limits.defaults());
    private static final JsonFactory FACTORY = StrictJson.MAPPER.getFactory();
    private static final Set<String> OP_FIELDS = Set.of("opId", "objectId", "objectType", "kind", "clock", "payload",
            "tags", "timestamp", "tenantId");

    private static final Instant MIN_TIMESTAMP = LocalDateTime.MIN.toInstant(ZoneOffset.UTC);
    private static final Instant MAX_TIMESTAMP = LocalDateTime.MAX.toInstant(ZoneOffset.UTC);

    private final Limits limits;

    private SyncJson(Limits limits) {
        this.limits = limits;
    }

    /** A codec that checks the default limits. */
    public static SyncJson create() {
        return DEFAULT;
    }

    /** A codec that checks {@code limits}. */
    public static SyncJson withLimits(Limits limits) {
        return new SyncJson(limits);
    }

    /** The limits checked when reading. */
    public Limits limits() {
        return limits;
    }

    /**
     * Parses JSON text with the library's strict settings (exact numbers, no duplicate keys).
     *
     * @throws InvalidInputException (field {@code body}) when the text is not exactly one JSON value
     */
    public static JsonNode parseTree(String json, String field) {
        try {
            return StrictJson.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, field + " is not valid JSON: " + StrictJson.describe(e));
        }
    }

    /** Reads one op from JSON text. */
    public Op readOp(String json) {
        return readOpLine(json).op();
    }

    /** Reads one op from JSON text, with the tenant id it names, if any. */
    public OpLine readOpLine(String json) {
        JsonNode node;
        try {
            node = StrictJson.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidOpException("op", "op is not valid JSON: " + StrictJson.describe(e));
        }
        return readOpLine(node);
    }

    /** Reads one op from a parsed tree (parse with {@link #parseTree} to keep numbers exact). */
    public Op readOp(JsonNode node) {
        return readOpLine(node).op();
    }

    /** Reads one op from a parsed tree, with the tenant id it names, if any. */
    public OpLine readOpLine(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidOpException("op", "op must be a JSON object, but was " + typeName(node));
        }
        String rawOpId = optionalString(node, "opId", null);
        // Errors name the op only by an id that is itself valid, so that no message echoes an
        // empty, unstorable or oversized op id (the opId error itself says what is wrong with it).
        String opId = usableId(rawOpId) ? rawOpId : null;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!OP_FIELDS.contains(name)) {
                throw new InvalidOpException(opId, name, "unknown field \"" + name + "\"");
            }
        }
        String tenantId = optionalString(node, "tenantId", opId);
        if (tenantId != null && tenantId.isEmpty()) {
            throw new InvalidOpException(opId, "tenantId", "tenantId must not be empty");
        }
        Op.Builder b = Op.builder()
                .opId(rawOpId)
                .objectId(optionalString(node, "objectId", opId))
                .objectType(optionalString(node, "objectType", opId));
        String kind = optionalString(node, "kind", opId);
        if (kind != null) {
            OpKind k = OpKind.fromWireName(kind);
            if (k == null) {
                throw new InvalidOpException(opId, "kind", "kind must be \"update\" or \"delete\", but was \"" + kind + "\"");
            }
            b.kind(k);
        }
        JsonNode clock = node.get("clock");
        if (clock != null) {
            try {
                b.clock(readClock(clock));
            } catch (InvalidInputException e) {
                throw new InvalidOpException(opId, "clock", e.reason());
            }
        }
        JsonNode payload = node.get("payload");
        if (payload != null) {
            try {
                b.payload(Payload.of(payload));
            } catch (InvalidOpException e) {
                throw e.forOp(opId);
            }
        }
        b.tags(readTags(node.get("tags"), opId));
        b.timestamp(readTimestamp(node.get("timestamp"), opId));
        Op op;
        try {
            op = b.build();
        } catch (InvalidOpException e) {
            throw e.forOp(opId);
        }
        return new OpLine(tenantId, op.checkLimits(limits));
    }

    private boolean usableId(String id) {
        return id != null && !id.isEmpty() && Utf8Order.firstUnstorableChar(id) < 0
                && Limits.codePointLength(id) <= limits.maxIdLength();
    }

    /**
     * Reads a clock: an object of actor ids to integer counters >= 1.
     *
     * @throws InvalidClockException when the value breaks those rules
     */
    public VectorClock readClock(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidClockException("clock must be a JSON object, but was " + typeName(node));
        }
        if (node.size() > limits.maxClockActors()) {
            throw new InvalidClockException("clock must have at most " + limits.maxClockActors() + " actors, but had " + node.size());
        }
        Map<String, Long> entries = new TreeMap<>(Utf8Order.COMPARATOR);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new InvalidClockException("clock counter for actor \"" + e.getKey() + "\" must be an integer >= 1, but was "
                        + (v.isNumber() ? v.asText() : typeName(v)));
            }
            entries.put(e.getKey(), v.longValue());
        }
        return VectorClock.of(entries);
    }

    private List<String> readTags(JsonNode node, String opId) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidOpException(opId, "tags", "tags must be an array of strings, but was " + typeName(node));
        }
        if (node.size() > limits.maxTags()) {
            throw new InvalidOpException(opId, "tags", "tags must have at most " + limits.maxTags() + " entries, but had " + node.size());
        }
        List<String> tags = new ArrayList<>(node.size());
        for (JsonNode t : node) {
            if (!t.isTextual()) {
                throw new InvalidOpException(opId, "tags", "tags must be an array of strings, but held " + typeName(t));
            }
            tags.add(t.textValue());
        }
        return tags;
    }

    private static Instant readTimestamp(JsonNode node, String opId) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidOpException(opId, "timestamp", "timestamp must be an ISO-8601 string, but was " + typeName(node));
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidOpException(opId, "timestamp", "timestamp must be an ISO-8601 date-time with offset, such as "
                    + "2026-11-24T10:00:00Z, but was \"" + abbreviate(node.textValue()) + "\"");
        }
        // An offset can carry a date at the edge of the range past it in UTC, where the written form
        // (always UTC) could no longer be read back.
        if (t.isBefore(MIN_TIMESTAMP) || t.isAfter(MAX_TIMESTAMP)) {
            throw new InvalidOpException(opId, "timestamp", "timestamp must lie in the years -999999999 to 999999999 in UTC, "
                    + "but was \"" + abbreviate(node.textValue()) + "\"");
        }
        return t;
    }

    private static String optionalString(JsonNode node, String field, String opId) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidOpException(opId, field, field + " must be a string, but was " + typeName(v));
        }
        return v.textValue();
    }

    private static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** The op's wire form, without tenant. */
    public String writeOp(Op op) {
        return write(g -> writeOp(g, op, null));
    }

    /** The op's JSON-lines form: its wire form with {@code tenantId} first when not null. */
    public String writeOpLine(String tenantId, Op op) {
        return write(g -> writeOp(g, op, tenantId));
    }

    /** Writes the op's wire form, with {@code tenantId} first when not null. */
    public void writeOp(JsonGenerator g, Op op, String tenantId) throws IOException {
        g.writeStartObject();
        if (tenantId != null) {
            g.writeStringField("tenantId", tenantId);
        }
        g.writeStringField("opId", op.opId());
        g.writeStringField("objectId", op.objectId());
        g.writeStringField("objectType", op.objectType());
        g.writeStringField("kind", op.kind().wireName());
        g.writeFieldName("clock");
        g.writeRawValue(op.clock().toJson());
        if (op.payload() != null) {
            g.writeFieldName("payload");
            g.writeRawValue(op.payload().json());
        }
        writeTags(g, op.tags());
        if (op.timestamp() != null) {
            g.writeStringField("timestamp", op.timestamp().toString());
        }
        g.writeEndObject();
    }

    /** The object's wire form. */
    public String writeObject(MaterializedObject object) {
        return write(g -> writeObject(g, object, null));
    }

    /** The object's wire form with {@code tenantId} first (omitted when null). */
    public String writeObject(MaterializedObject object, String tenantId) {
        return write(g -> writeObject(g, object, tenantId));
    }

    /** Writes the object's wire form, with {@code tenantId} first when not null. */
    public void writeObject(JsonGenerator g, MaterializedObject o, String tenantId) throws IOException {
        writeObject(g, o, tenantId, null);
    }

    /**
     * Writes the object's wire form, with {@code tenantId} first when not null and the fields
     * {@code extra} writes (null for none) after the object's own.
     */
    public void writeObject(JsonGenerator g, MaterializedObject o, String tenantId, JsonWriter extra) throws IOException {
        g.writeStartObject();
        if (tenantId != null) {
            g.writeStringField("tenantId", tenantId);
        }
        g.writeStringField("objectId", o.objectId());
        g.writeStringField("objectType", o.objectType());
        writeTags(g, o.tags());
        g.writeFieldName("payload");
        if (o.payload() == null) {
            g.writeNull();
        } else {
            g.writeRawValue(o.payload().json());
        }
        g.writeBooleanField("deleted", o.deleted());
        g.writeFieldName("clock");
        g.writeRawValue(o.clock().toJson());
        g.writeFieldName("context");
        g.writeRawValue(o.context().toJson());
        g.writeStringField("winnerOpId", o.winnerOpId());
        g.writeNumberField("heads", o.heads());
        if (extra != null) {
            extra.write(g);
        }
        g.writeEndObject();
    }

    /**
     * Reads an object's wire form, as a client of the service does. Trusts the payload to be
     * canonical already (it is, when it came from this library).
     *
     * @throws InvalidInputException (field {@code object}) when the value is not an object's form
     */
    public MaterializedObject readObject(JsonNode node) {
        try {
            JsonNode payload = node.get("payload");
            boolean deleted = node.get("deleted").booleanValue();
            List<String> tags = new ArrayList<>();
            node.get("tags").forEach(t -> tags.add(t.textValue()));
            return new MaterializedObject(node.get("objectId").textValue(), node.get("objectType").textValue(), tags,
                    deleted ? null : Payload.of(payload), deleted, readClock(node.get("clock")),
                    readClock(node.get("context")), node.get("winnerOpId").textValue(), node.get("heads").intValue());
        } catch (RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw e;
            }
            throw new InvalidInputException("object", "object is not in the wire form: " + e);
        }
    }

    private static void writeTags(JsonGenerator g, List<String> tags) throws IOException {
        g.writeArrayFieldStart("tags");
        for (String t : tags) {
            g.writeString(t);
        }
        g.writeEndArray();
    }

    /** Writes something through a fresh generator into a string. */
    public static String write(JsonWriter writer) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Something that writes JSON to a generator. */
    @FunctionalInterface
    public interface JsonWriter {
        /** Writes to {@code g}. */
        void write(JsonGenerator g) throws IOException;
    }
}
