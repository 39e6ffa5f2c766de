package dev.syncmat.jdbi;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.internal.JsonStrings;
import dev.syncmat.core.internal.StrictJson;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How values are stored in columns. Clocks and tags are canonical JSON text; payloads are their
 * canonical text; the heads other than the winner are a JSON array in which each payload is a
 * JSON <em>string</em> holding the canonical text, so reading them back never re-canonicalizes.
 * Everything here reads what the store itself wrote, so it trusts its input.
 */
final class StoredForms {
    private StoredForms() {
    }

    static String tagsJson(List<String> tags) {
        if (tags.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder();
        sb.append('[');
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonStrings.appendQuoted(sb, tags.get(i));
        }
        return sb.append(']').toString();
    }

    static List<String> parseTags(String json) {
        if (json.equals("[]")) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode t : tree(json)) {
            tags.add(t.textValue());
        }
        return List.copyOf(tags);
    }

    static VectorClock parseClock(String json) {
        return clock(tree(json));
    }

    private static VectorClock clock(JsonNode node) {
        Map<String, Long> entries = new TreeMap<>(Utf8Order.COMPARATOR);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            entries.put(e.getKey(), e.getValue().longValue());
        }
        return VectorClock.of(entries);
    }

    static String timestamp(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant parseTimestamp(String s) {
        return s == null ? null : Instant.parse(s);
    }

    /** An op rebuilt from stored columns. */
    static Op op(String opId, String objectId, String objectType, boolean delete, String clock, String payload,
                 String tags, String timestamp) {
        return Op.builder().opId(opId).objectId(objectId).objectType(objectType)
                .kind(delete ? OpKind.DELETE : OpKind.UPDATE)
                .clock(parseClock(clock))
                .payload(payload == null ? null : Payload.ofCanonicalJson(payload))
                .tags(parseTags(tags))
                .timestamp(parseTimestamp(timestamp))
                .build();
    }

    /** The heads other than the winner, or null when the winner is the only head. */
    static String otherHeadsJson(ObjectState state) {
        if (state.headCount() == 1) {
            return null;
        }
        return SyncJson.write(g -> {
            g.writeStartArray();
            for (Op head : state.heads()) {
                if (head != state.winner()) {
                    writeHead(g, head);
                }
            }
            g.writeEndArray();
        });
    }

    private static void writeHead(JsonGenerator g, Op op) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("opId", op.opId());
        g.writeStringField("objectType", op.objectType());
        g.writeStringField("kind", op.kind().wireName());
        g.writeFieldName("clock");
        g.writeRawValue(op.clock().toJson());
        if (op.payload() != null) {
            g.writeStringField("payload", op.payload().json());
        }
        g.writeFieldName("tags");
        g.writeRawValue(tagsJson(op.tags()));
        if (op.timestamp() != null) {
            g.writeStringField("timestamp", op.timestamp().toString());
        }
        g.writeEndObject();
    }

    static List<Op> parseOtherHeads(String objectId, String json) {
        if (json == null) {
            return List.of();
        }
        List<Op> heads = new ArrayList<>();
        for (JsonNode h : tree(json)) {
            JsonNode payload = h.get("payload");
            JsonNode timestamp = h.get("timestamp");
            List<String> tags = new ArrayList<>();
            h.get("tags").forEach(t -> tags.add(t.textValue()));
            heads.add(Op.builder().opId(h.get("opId").textValue()).objectId(objectId)
                    .objectType(h.get("objectType").textValue())
                    .kind(OpKind.fromWireName(h.get("kind").textValue()))
                    .clock(clock(h.get("clock")))
                    .payload(payload == null ? null : Payload.ofCanonicalJson(payload.textValue()))
                    .tags(tags)
                    .timestamp(timestamp == null ? null : Instant.parse(timestamp.textValue()))
                    .build());
        }
        return heads;
    }

    private static JsonNode tree(String json) {
        try {
            return StrictJson.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored JSON: " + json, e);
        }
    }
}
