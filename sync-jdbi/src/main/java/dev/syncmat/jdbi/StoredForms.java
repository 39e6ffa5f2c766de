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
 * canonical text; the heads other than the winner are a JSON array of those ops without their
 * payloads (an update's payload is read from its journal row, by op id, when the object is
 * loaded), so that the row's size and the write of every push do not depend on payload sizes.
 * Rows written before 0.1.0 hold each payload inline, as a JSON <em>string</em> of the canonical
 * text; they are read as they are and rewritten by the object's next change. Everything here reads
 * what the store itself wrote, so it trusts its input.
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

    /** The heads other than the winner, without payloads, or null when the winner is the only head. */
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
        g.writeFieldName("tags");
        g.writeRawValue(tagsJson(op.tags()));
        if (op.timestamp() != null) {
            g.writeStringField("timestamp", op.timestamp().toString());
        }
        g.writeEndObject();
    }

    /**
     * A head other than the winner as stored: the op without its payload, which for an update is
     * {@code inlinePayload} in rows from before 0.1.0 and otherwise read from the journal.
     */
    record StoredHead(String opId, String objectType, OpKind kind, VectorClock clock, String inlinePayload,
                      List<String> tags, Instant timestamp) {
        /** Whether the payload must be read from the journal. */
        boolean payloadInJournal() {
            return kind == OpKind.UPDATE && inlinePayload == null;
        }

        /**
         * The op, given the canonical payload text its journal row holds (ignored for a delete
         * or an inline payload).
         *
         * @throws IllegalStateException when the payload is needed and {@code journalPayload} is null
         */
        Op op(String objectId, String journalPayload) {
            String payload = kind == OpKind.DELETE ? null : inlinePayload != null ? inlinePayload : journalPayload;
            if (kind == OpKind.UPDATE && payload == null) {
                throw new IllegalStateException("head " + opId + " of object \"" + objectId + "\" has no journal row");
            }
            return Op.builder().opId(opId).objectId(objectId).objectType(objectType).kind(kind).clock(clock)
                    .payload(payload == null ? null : Payload.ofCanonicalJson(payload)).tags(tags).timestamp(timestamp)
                    .build();
        }
    }

    static List<StoredHead> parseOtherHeads(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        List<StoredHead> heads = new ArrayList<>();
        for (JsonNode h : tree(json)) {
            JsonNode payload = h.get("payload");
            JsonNode timestamp = h.get("timestamp");
            List<String> tags = new ArrayList<>();
            h.get("tags").forEach(t -> tags.add(t.textValue()));
            heads.add(new StoredHead(h.get("opId").textValue(), h.get("objectType").textValue(),
                    OpKind.fromWireName(h.get("kind").textValue()), clock(h.get("clock")),
                    payload == null ? null : payload.textValue(), List.copyOf(tags),
                    timestamp == null ? null : Instant.parse(timestamp.textValue())));
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
