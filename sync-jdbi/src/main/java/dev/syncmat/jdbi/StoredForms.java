package dev.syncmat.jdbi;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How values are stored in columns. Clocks and tags are canonical JSON text; payloads are their
 * canonical text; the heads other than the winner are a JSON array of those ops without their
 * payloads, each as {@code [opId, objectType, kind, clock, tags(, timestamp)(, digest)]}, from the
 * best down in rank order (an update's payload is read from its journal row, by op id, when a merge
 * needs it), so that the row's size and the write of every push do not depend on payload sizes.
 * An update's digest ({@link #digest}; heads written before digests were kept have none) names
 * the payload the head was merged with, so that a payload read from the journal can be checked
 * against it and one kept in memory can be used while the row's heads are unchanged
 * ({@link HeadsCache}).
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

    /** A stored clock, streamed: contexts and alias clocks of objects with many actors are long. */
    static VectorClock parseClock(String json) {
        try (JsonParser p = StrictJson.MAPPER.getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, json);
            return readClock(p, json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored JSON: " + json, e);
        }
    }

    // The entries of a clock object whose START_OBJECT was just read, up to its END_OBJECT.
    private static VectorClock readClock(JsonParser p, String json) throws java.io.IOException {
        Map<String, Long> entries = new TreeMap<>(Utf8Order.COMPARATOR);
        for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
            expect(f, JsonToken.FIELD_NAME, json);
            String actor = p.currentName();
            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, json);
            entries.put(actor, p.getLongValue());
        }
        return VectorClock.of(entries);
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

    /**
     * The heads other than the winner as a row stores them: the text of each, from the best after
     * the winner down, and {@code json}, the row's {@code other_heads} (null when the winner is the
     * only head).
     */
    record OtherHeads(List<String> texts, String json) {
        /** The heads of {@code state} but its winner, a head found in {@code stored} keeping its stored text. */
        static OtherHeads of(ObjectState state, List<StoredHead> stored) {
            List<String> texts = otherHeadTexts(state, stored);
            return new OtherHeads(texts, joinHeads(texts));
        }
    }

    /**
     * Finds, for heads asked for in rank order, the stored head of the same op id among
     * {@code stored} (the row's heads as read, in rank order; only those with their text), and
     * where: a push keeps the relative order of the heads it keeps, removing and adding a few, so a
     * walk finds each kept head at or after the previous one found. An op id not found within the
     * rest of the walk (a head this push added) costs one pass over it; after a few of those the
     * finder looks op ids up in a map instead. Not thread-safe.
     */
    static final class HeadFinder {
        private static final int WALKS = 4;
        private final List<StoredHead> stored;
        private int next;
        private int misses;
        private Map<String, Integer> byId;

        HeadFinder(List<StoredHead> stored) {
            this.stored = stored;
        }

        /** Where the stored head of {@code opId} is in the list, or -1 when there is none with its text. */
        int find(String opId) {
            if (byId != null) {
                Integer i = byId.get(opId);
                return i == null ? -1 : i;
            }
            for (int i = next; i < stored.size(); i++) {
                StoredHead h = stored.get(i);
                if (h.opId().equals(opId)) {
                    if (h.text() == null) {
                        return -1;
                    }
                    next = i + 1;
                    return i;
                }
            }
            if (++misses == WALKS) {
                byId = new HashMap<>(2 * stored.size());
                for (int i = 0; i < stored.size(); i++) {
                    if (stored.get(i).text() != null) {
                        byId.put(stored.get(i).opId(), i);
                    }
                }
            }
            return -1;
        }

        /** The stored head of {@code opId}, or null (see {@link #find}). */
        StoredHead head(String opId) {
            int i = find(opId);
            return i < 0 ? null : stored.get(i);
        }
    }

    /**
     * The text of each head other than the winner, from the best after the winner down (the order
     * a merge reads them in): a head found in {@code stored} (by op id, as read from the row) keeps
     * its text instead of being written again, since a push beside many heads changes one or two of
     * them. Empty when the winner is the only head.
     */
    private static List<String> otherHeadTexts(ObjectState state, List<StoredHead> stored) {
        if (state.headCount() == 1) {
            return List.of();
        }
        List<Op> ranked = state.headsByRank();
        List<String> texts = new ArrayList<>(ranked.size() - 1);
        HeadFinder finder = new HeadFinder(stored);
        for (int i = 1; i < ranked.size(); i++) {
            Op head = ranked.get(i);
            StoredHead s = finder.head(head.opId());
            texts.add(s != null ? s.text() : SyncJson.write(g -> writeHead(g, head)));
        }
        return texts;
    }

    /** The row's {@code other_heads} of these head texts: a JSON array, or null for none. */
    private static String joinHeads(List<String> texts) {
        if (texts.isEmpty()) {
            return null;
        }
        int length = 2 + texts.size();
        for (String t : texts) {
            length += t.length();
        }
        StringBuilder sb = new StringBuilder(length).append('[');
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(texts.get(i));
        }
        return sb.append(']').toString();
    }

    // [opId, objectType, kind, clock, tags], the client timestamp when there is one and an update's
    // digest: short, since a row holds every head and every push that meets them rewrites it.
    private static void writeHead(JsonGenerator g, Op op) throws java.io.IOException {
        g.writeStartArray();
        g.writeString(op.opId());
        g.writeString(op.objectType());
        g.writeString(op.kind().wireName());
        g.writeRawValue(op.clock().toJson());
        g.writeRawValue(tagsJson(op.tags()));
        if (op.timestamp() != null) {
            g.writeString(op.timestamp().toString());
        }
        if (op.payload() != null) {
            g.writeString(digest(op.payload().json()));
        }
        g.writeEndArray();
    }

    /**
     * The digest a stored head keeps of its payload: {@code #} and the first 64 bits of the SHA-256
     * of the canonical text's UTF-8 bytes, in base64url without padding (12 characters). A
     * timestamp never starts with {@code #}, so the two optional strings of a head are told apart.
     */
    static String digest(String canonicalJson) {
        return "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(Sha256.of(canonicalJson), 8));
    }

    /**
     * A head other than the winner as stored: the op without its payload, which for an update is
     * {@code inlinePayload} in rows from before 0.1.0 and otherwise read from the journal, where it
     * has the {@link #digest} {@code digest} (null when written before digests were kept).
     */
    record StoredHead(String opId, String objectType, OpKind kind, VectorClock clock, String inlinePayload,
                      List<String> tags, Instant timestamp, String digest, String text) {
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
            return op(objectId, payload == null ? null : Payload.ofCanonicalJson(payload));
        }

        /** The op with {@code payload} (null for a delete), e.g. one read only when needed. */
        Op op(String objectId, Payload payload) {
            return Op.builder().opId(opId).objectId(objectId).objectType(objectType).kind(kind).clock(clock)
                    .payload(kind == OpKind.DELETE ? null : payload).tags(tags).timestamp(timestamp).build();
        }
    }

    static List<StoredHead> parseOtherHeads(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        // Streamed, not read as a tree: an object with many heads is read on every push that meets them.
        try (JsonParser p = StrictJson.MAPPER.getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_ARRAY, json);
            List<StoredHead> heads = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    return parseInlineHeads(json);
                }
                expect(t, JsonToken.START_ARRAY, json);
                int start = (int) p.currentTokenLocation().getCharOffset();
                String opId = text(p, json);
                String objectType = text(p, json);
                OpKind kind = OpKind.fromWireName(text(p, json));
                expect(p.nextToken(), JsonToken.START_OBJECT, json);
                VectorClock clock = readClock(p, json);
                expect(p.nextToken(), JsonToken.START_ARRAY, json);
                List<String> tags = new ArrayList<>();
                for (JsonToken g = p.nextToken(); g != JsonToken.END_ARRAY; g = p.nextToken()) {
                    tags.add(p.getText());
                }
                Instant timestamp = null;
                String digest = null;
                JsonToken last = p.nextToken();
                if (last == JsonToken.VALUE_STRING && !p.getText().startsWith("#")) {
                    timestamp = Instant.parse(p.getText());
                    last = p.nextToken();
                }
                if (last == JsonToken.VALUE_STRING) {
                    digest = p.getText();
                    last = p.nextToken();
                }
                expect(last, JsonToken.END_ARRAY, json);
                int end = (int) p.currentLocation().getCharOffset();
                heads.add(new StoredHead(opId, objectType, kind, clock, null, List.copyOf(tags), timestamp, digest,
                        json.substring(start, end)));
            }
            return heads;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored JSON: " + json, e);
        }
    }

    private static String text(JsonParser p, String json) throws java.io.IOException {
        expect(p.nextToken(), JsonToken.VALUE_STRING, json);
        return p.getText();
    }

    private static void expect(JsonToken t, JsonToken wanted, String json) {
        if (t != wanted) {
            throw new IllegalStateException("corrupt stored heads (" + wanted + " expected, was " + t + "): " + json);
        }
    }

    // The form of rows written before 0.1.0: an object per head, its payload inline.
    private static List<StoredHead> parseInlineHeads(String json) {
        List<StoredHead> heads = new ArrayList<>();
        for (JsonNode h : tree(json)) {
            JsonNode payload = h.get("payload");
            JsonNode timestamp = h.get("timestamp");
            List<String> tags = new ArrayList<>();
            h.get("tags").forEach(t -> tags.add(t.textValue()));
            heads.add(new StoredHead(h.get("opId").textValue(), h.get("objectType").textValue(),
                    OpKind.fromWireName(h.get("kind").textValue()), clock(h.get("clock")),
                    payload == null ? null : payload.textValue(), List.copyOf(tags),
                    timestamp == null ? null : Instant.parse(timestamp.textValue()), null, null));
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
