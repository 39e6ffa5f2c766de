package dev.syncmat.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offline-capable client of the sync service, as a mobile or desktop app would be: it keeps
 * the objects it pulled, queues ops written while offline, pushes them when it syncs, and pulls
 * everything changed since its cursor. Its clock discipline: the next op on an object dominates
 * the object's {@code context} as last pulled and the client's own earlier ops on it. A client
 * may follow one scope (objects with one of some tags): it then keeps exactly those objects, and
 * drops the ones a pull reports as {@code removed}. A delete names the tags of the copy it deletes,
 * so the tombstone stays in the scopes the object was in. Not thread-safe.
 */
public final class SyncClient {
    private final String actor;
    private final URI base;
    private final String token;
    private final HttpClient http;
    private final SyncJson json = SyncJson.create();
    private final Map<String, MaterializedObject> objects = new TreeMap<>(dev.syncmat.core.Utf8Order.COMPARATOR);
    private final Map<String, VectorClock> ownClocks = new HashMap<>();
    private final List<Op> pending = new ArrayList<>();
    private final List<String> scopeTags;
    private String cursor;
    private int written;

    /** A client writing as {@code actor} to the service at {@code base} with {@code token}. */
    public SyncClient(String actor, URI base, String token, HttpClient http) {
        this(actor, base, token, http, List.of());
    }

    /** A client that keeps only the objects with one of {@code scopeTags} (all objects when empty). */
    public SyncClient(String actor, URI base, String token, HttpClient http, List<String> scopeTags) {
        this.actor = actor;
        this.base = base;
        this.token = token;
        this.http = http;
        this.scopeTags = List.copyOf(scopeTags);
    }

    /** The tags this client's scope is made of; empty for everything. */
    public List<String> scopeTags() {
        return scopeTags;
    }

    /** The client's actor id. */
    public String actor() {
        return actor;
    }

    /** The objects as last pulled. */
    public Map<String, MaterializedObject> objects() {
        return objects;
    }

    /** Ops written offline and not pushed yet. */
    public List<Op> pending() {
        return pending;
    }

    private VectorClock nextClock(String objectId) {
        MaterializedObject seen = objects.get(objectId);
        VectorClock clock = seen == null ? VectorClock.empty() : seen.context();
        VectorClock own = ownClocks.get(objectId);
        if (own != null) {
            clock = clock.merge(own);
        }
        clock = clock.increment(actor);
        ownClocks.put(objectId, clock);
        return clock;
    }

    /** Writes an update while offline. */
    public Op update(String objectId, String type, String payloadJson, List<String> tags) {
        Op op = Op.builder().opId(actor + "-" + (++written)).objectId(objectId).objectType(type).kind(OpKind.UPDATE)
                .clock(nextClock(objectId)).payload(Payload.parse(payloadJson)).tags(tags).build();
        pending.add(op);
        return op;
    }

    /** Writes a delete while offline, naming the tags of the copy it deletes. */
    public Op delete(String objectId, String type) {
        MaterializedObject seen = objects.get(objectId);
        Op op = Op.builder().opId(actor + "-" + (++written)).objectId(objectId).objectType(type).kind(OpKind.DELETE)
                .clock(nextClock(objectId)).tags(seen == null ? List.of() : seen.tags()).build();
        pending.add(op);
        return op;
    }

    /** Pushes the pending ops; returns op id -> outcome. Pending ops are dropped once acknowledged. */
    public Map<String, String> push() throws IOException, InterruptedException {
        Map<String, String> outcomes = new java.util.LinkedHashMap<>();
        if (pending.isEmpty()) {
            return outcomes;
        }
        StringBuilder body = new StringBuilder("{\"ops\":[");
        for (int i = 0; i < pending.size(); i++) {
            body.append(i == 0 ? "" : ",").append(json.writeOp(pending.get(i)));
        }
        body.append("]}");
        JsonNode reply = post("push", body.toString());
        for (JsonNode r : reply.get("results")) {
            outcomes.put(r.get("opId").textValue(), r.get("outcome").textValue());
        }
        pending.clear();
        return outcomes;
    }

    /** Pulls every page changed since the cursor; returns how many objects changed or left the scope. */
    public int pull() throws IOException, InterruptedException {
        int changed = 0;
        while (true) {
            String body = "{\"sinceCursor\":" + (cursor == null ? "null" : "\"" + cursor + "\"") + ",\"scope\":{\"tags\":"
                    + SyncJson.write(g -> {
                        g.writeStartArray();
                        for (String t : scopeTags) {
                            g.writeString(t);
                        }
                        g.writeEndArray();
                    }) + "},\"limit\":2}";
            JsonNode page = post("pull", body);
            for (JsonNode o : page.get("objects")) {
                MaterializedObject object = json.readObject(o);
                objects.put(object.objectId(), object);
                changed++;
            }
            // Objects that left the scope: drop the copy (harmless for one this client never had).
            for (JsonNode r : page.get("removed")) {
                if (objects.remove(r.get("objectId").textValue()) != null) {
                    changed++;
                }
            }
            cursor = page.get("serverCursor").textValue();
            if (!page.get("hasMore").booleanValue()) {
                return changed;
            }
        }
    }

    /** A full pull from scratch, without touching this client's state: what the server holds now. */
    public Map<String, MaterializedObject> serverState() throws IOException, InterruptedException {
        Map<String, MaterializedObject> all = new TreeMap<>(dev.syncmat.core.Utf8Order.COMPARATOR);
        String from = null;
        while (true) {
            JsonNode page = post("pull", "{\"sinceCursor\":" + (from == null ? "null" : "\"" + from + "\"") + "}");
            for (JsonNode o : page.get("objects")) {
                MaterializedObject object = json.readObject(o);
                all.put(object.objectId(), object);
            }
            from = page.get("serverCursor").textValue();
            if (!page.get("hasMore").booleanValue()) {
                return all;
            }
        }
    }

    private JsonNode post(String endpoint, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(endpoint))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + " failed with " + response.statusCode() + ": " + response.body());
        }
        return SyncJson.parseTree(response.body(), "response");
    }
}
