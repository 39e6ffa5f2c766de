package dev.syncmat.core.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.SyncException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The JSON bodies of the v2 sync protocol, for services that put the store behind HTTP:
 * <pre>
 * push request:  {"ops":[op, ...]}
 * push response: {"results":[{"opId":..,"outcome":..}],"serverCursor":..}
 * pull request:  {"sinceCursor":..,"scope":{"types":[..],"ids":[..],"tags":[..]},"limit":N,"includeHeads":false,"waitMs":N}
 * pull response: {"objects":[object, ...],"removed":[{"objectId":..}, ...],"serverCursor":..,"hasMore":..}
 *                (with includeHeads, each object carries "otherHeads":[{"opId":..,"deleted":..,"payload":..,"clock":{..}}])
 * error:         {"error":{"code":..,"message":..,"field":..}}  (field only when one is to blame)
 * </pre>
 * {@link #errorStatus(Throwable)} says how to answer a failure of the store or of reading a body
 * (status, code, {@code Retry-After}), and {@link #writeError(Throwable, OutputStream)} writes its
 * body, so that every service answers errors alike.
 * Reading is strict (unknown fields and wrong types are {@link InvalidInputException}s naming the
 * field, e.g. {@code ops[3].clock}); a {@code tenantId} inside an op is ignored, because the
 * tenant comes from the caller's credentials. Writing is deterministic. Immutable and thread-safe.
 */
public final class SyncProtocol {
    private static final Set<String> PULL_FIELDS = Set.of("sinceCursor", "scope", "limit", "includeHeads", "waitMs");
    private static final Set<String> SCOPE_FIELDS = Set.of("types", "ids", "tags");

    private final SyncJson json;

    private SyncProtocol(SyncJson json) {
        this.json = json;
    }

    /** A codec checking ops against {@code json}'s limits. */
    public static SyncProtocol of(SyncJson json) {
        return new SyncProtocol(json);
    }

    /** A codec with the default limits. */
    public static SyncProtocol create() {
        return new SyncProtocol(SyncJson.create());
    }

    /**
     * Reads a push body.
     *
     * @throws InvalidInputException naming the first bad field
     */
    public List<Op> readPushRequest(String body) {
        JsonNode root = SyncJson.parseTree(body, "body");
        if (!root.isObject()) {
            throw new InvalidInputException("body", "body must be a JSON object with an \"ops\" array");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("ops")) {
                throw new InvalidInputException(name, "unknown field \"" + name + "\" in a push body (it takes only \"ops\")");
            }
        }
        JsonNode ops = root.get("ops");
        if (ops == null || !ops.isArray()) {
            throw new InvalidInputException("ops", "ops must be an array of ops");
        }
        List<Op> result = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            try {
                result.add(json.readOp(ops.get(i)));
            } catch (InvalidOpException e) {
                throw new InvalidOpException(e.opId(), "ops[" + i + "]." + e.field(), e.reason());
            }
        }
        return result;
    }

    /**
     * Reads a pull body. Every field is optional; an empty body means a full sync.
     *
     * @throws InvalidInputException naming the first bad field
     */
    public PullRequest readPullRequest(String body) {
        JsonNode root = body == null || body.isBlank() ? SyncJson.parseTree("{}", "body") : SyncJson.parseTree(body, "body");
        if (!root.isObject()) {
            throw new InvalidInputException("body", "body must be a JSON object");
        }
        checkFields(root, PULL_FIELDS, "", "a pull body");
        String cursor = null;
        JsonNode c = root.get("sinceCursor");
        if (c != null && !c.isNull()) {
            if (!c.isTextual()) {
                throw new InvalidInputException("sinceCursor", "sinceCursor must be a string or null");
            }
            cursor = c.textValue();
        }
        Integer limit = null;
        JsonNode l = root.get("limit");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToInt()) {
                throw new InvalidInputException("limit", "limit must be an integer, but was " + l);
            }
            limit = l.intValue();
        }
        Long waitMs = null;
        JsonNode w = root.get("waitMs");
        if (w != null && !w.isNull()) {
            if (!w.isIntegralNumber() || !w.canConvertToLong() || w.longValue() < 0) {
                String shown = w.toString();
                throw new InvalidInputException("waitMs", "waitMs must be a non-negative integer (milliseconds), but was "
                        + (shown.length() > 40 ? shown.substring(0, 37) + "..." : shown));
            }
            waitMs = w.longValue();
        }
        boolean includeHeads = false;
        JsonNode ih = root.get("includeHeads");
        if (ih != null && !ih.isNull()) {
            if (!ih.isBoolean()) {
                throw new InvalidInputException("includeHeads", "includeHeads must be true or false, but was " + ih);
            }
            includeHeads = ih.booleanValue();
        }
        Scope scope = Scope.all();
        JsonNode s = root.get("scope");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                throw new InvalidInputException("scope", "scope must be an object with types, ids and tags");
            }
            checkFields(s, SCOPE_FIELDS, "scope.", "a scope");
            scope = new Scope(strings(s, "types"), strings(s, "ids"), strings(s, "tags"));
        }
        return new PullRequest(cursor, scope, limit, includeHeads, waitMs);
    }

    private static void checkFields(JsonNode node, Set<String> known, String path, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new InvalidInputException(path + name, "unknown field \"" + path + name + "\" in " + what);
            }
        }
    }

    private static List<String> strings(JsonNode scope, String field) {
        JsonNode list = scope.get(field);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new InvalidInputException("scope." + field, "scope." + field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>(list.size());
        for (JsonNode v : list) {
            if (!v.isTextual()) {
                throw new InvalidInputException("scope." + field, "scope." + field + " must be an array of strings, but held " + v);
            }
            values.add(v.textValue());
        }
        return values;
    }

    /** The push response body. */
    public String write(PushResult result) {
        return SyncJson.write(g -> write(g, result));
    }

    /** Writes the push response body. */
    public void write(JsonGenerator g, PushResult result) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("results");
        for (OpResult r : result.results()) {
            g.writeStartObject();
            g.writeStringField("opId", r.opId());
            g.writeStringField("outcome", r.outcome().wireName());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("serverCursor", result.serverCursor());
        g.writeEndObject();
    }

    /**
     * Writes one history entry: {@code {"journalSeq":..,"opId":..,"outcome":..,"receivedAt":..,
     * "conflicts":[{"winnerOpId":..,"loserOpId":..,"reason":..,"metHeads":..}],"op":{..}}}; at most
     * one conflict, present when the op was merged.
     */
    public void write(JsonGenerator g, HistoryEntry e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("journalSeq", e.journalSeq());
        g.writeStringField("opId", e.op().opId());
        g.writeStringField("outcome", e.outcome().wireName());
        g.writeStringField("receivedAt", e.receivedAt().toString());
        g.writeArrayFieldStart("conflicts");
        for (Conflict c : e.conflicts()) {
            g.writeStartObject();
            g.writeStringField("winnerOpId", c.winnerOpId());
            g.writeStringField("loserOpId", c.loserOpId());
            g.writeStringField("reason", c.reason().code());
            g.writeNumberField("metHeads", c.metHeads());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("op");
        json.writeOp(g, e.op(), null);
        g.writeEndObject();
    }

    /**
     * Writes one page of an object's history:
     * {@code {"objectId":..,"entries":[entry, ...],"hasMore":..}}, each entry as
     * {@link #write(JsonGenerator, HistoryEntry)} writes it.
     */
    public void write(JsonGenerator g, String objectId, HistoryPage page) throws IOException {
        g.writeStartObject();
        g.writeStringField("objectId", objectId);
        g.writeArrayFieldStart("entries");
        for (HistoryEntry e : page.entries()) {
            write(g, e);
        }
        g.writeEndArray();
        g.writeBooleanField("hasMore", page.hasMore());
        g.writeEndObject();
    }

    /**
     * Writes one conflict record: {@code {"journalSeq":..,"objectId":..,"objectType":..,
     * "winnerOpId":..,"loserOpId":..,"reason":..,"createdAt":..,"metHeads":..}}.
     */
    public void write(JsonGenerator g, ConflictRecord c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("journalSeq", c.journalSeq());
        g.writeStringField("objectId", c.objectId());
        g.writeStringField("objectType", c.objectType());
        g.writeStringField("winnerOpId", c.winnerOpId());
        g.writeStringField("loserOpId", c.loserOpId());
        g.writeStringField("reason", c.reason().code());
        g.writeStringField("createdAt", c.createdAt().toString());
        g.writeNumberField("metHeads", c.metHeads());
        g.writeEndObject();
    }

    /**
     * A replay report: {@code {"mode":..,"journalOps":N,"objects":N,"changed":[..],"conflicts":N,
     * "conflictsChanged":[..],"policy":..}}.
     */
    public String write(ReplayReport report) {
        return SyncJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("mode", report.mode().wireName());
            g.writeNumberField("journalOps", report.journalOps());
            g.writeNumberField("objects", report.objects());
            writeStrings(g, "changed", report.changed());
            g.writeNumberField("conflicts", report.conflicts());
            writeStrings(g, "conflictsChanged", report.conflictsChanged());
            g.writeStringField("policy", report.policy());
            g.writeEndObject();
        });
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** The pull response body. */
    public String write(PullResponse response) {
        return SyncJson.write(g -> write(g, response));
    }

    /** Writes the pull response body. */
    public void write(JsonGenerator g, PullResponse response) throws IOException {
        PullSink writer = pullWriter(g);
        for (MaterializedObject o : response.objects()) {
            writer.object(o, response.otherHeads().get(o.objectId()));
        }
        response.removed().forEach(writer::removed);
        writer.end(response.serverCursor(), response.hasMore());
    }

    /**
     * Writes one competing head: {@code {"opId":..,"deleted":..,"payload":..,"clock":{..}}}.
     */
    public void write(JsonGenerator g, CompetingHead head) throws IOException {
        g.writeStartObject();
        g.writeStringField("opId", head.opId());
        g.writeBooleanField("deleted", head.deleted());
        g.writeFieldName("payload");
        if (head.payload() == null) {
            g.writeNull();
        } else {
            g.writeRawValue(head.payload().json());
        }
        g.writeFieldName("clock");
        g.writeRawValue(head.clock().toJson());
        g.writeEndObject();
    }

    /**
     * A sink that writes the pull response body to {@code g} as a store streams the page into it,
     * object by object, so the body is never held whole (the ids of removed objects, which come
     * after the objects in the body, are kept until the end). {@link java.io.UncheckedIOException}
     * when {@code g} fails. Not thread-safe.
     */
    public PullSink pullWriter(JsonGenerator g) {
        return new PullSink() {
            private final List<String> removed = new ArrayList<>();
            private boolean started;

            private void start() throws IOException {
                if (!started) {
                    started = true;
                    g.writeStartObject();
                    g.writeArrayFieldStart("objects");
                }
            }

            @Override
            public void object(MaterializedObject object, List<CompetingHead> otherHeads) {
                try {
                    start();
                    json.writeObject(g, object, null, otherHeads == null ? null : w -> {
                        w.writeArrayFieldStart("otherHeads");
                        for (CompetingHead head : otherHeads) {
                            write(w, head);
                        }
                        w.writeEndArray();
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void removed(String objectId) {
                removed.add(objectId);
            }

            @Override
            public void end(String serverCursor, boolean hasMore) {
                try {
                    start();
                    g.writeEndArray();
                    g.writeArrayFieldStart("removed");
                    for (String id : removed) {
                        g.writeStartObject();
                        g.writeStringField("objectId", id);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeStringField("serverCursor", serverCursor);
                    g.writeBooleanField("hasMore", hasMore);
                    g.writeEndObject();
                    g.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * How to answer {@code failure} (a {@link CompletionException} or {@link ExecutionException} is
     * looked through to its cause):
     * <ul>
     *   <li>{@link InvalidCursorException} {@link InvalidCursorException.Problem#EXPIRED EXPIRED}: 410
     *       {@code cursor_expired}; the client drops that scope and pulls it from null;</li>
     *   <li>any other {@link InvalidInputException}: 400 with its {@link InvalidInputException#code() code}
     *       ({@code invalid_input}, {@code invalid_op}, {@code op_id_reused}, {@code invalid_cursor}, ...),
     *       message and field;</li>
     *   <li>a {@link SyncException} that {@linkplain SyncException#isRetryable() is retryable} (a database
     *       failure that may pass, a lock-wait timeout): 503 with {@code Retry-After}
     *       {@value ErrorStatus#RETRY_AFTER_SECONDS};</li>
     *   <li>any other {@link SyncException} (a database failure retrying will not fix, a merge policy
     *       other than the tenant's): 500;</li>
     *   <li>anything else: 500 {@code internal}.</li>
     * </ul>
     * Except for input errors, the message is the exception's
     * {@linkplain SyncException#clientMessage() client message}, never its own, which may name hosts
     * or SQL: log the exception itself. Thread-safe.
     */
    public static ErrorStatus errorStatus(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof InvalidCursorException e && e.problem() == InvalidCursorException.Problem.EXPIRED) {
            // A cursor the store's history cannot serve is gone for good: 410, and the client resyncs.
            return ErrorStatus.of(410, e.code(), e.getMessage(), e.field());
        }
        if (t instanceof InvalidInputException e) {
            return ErrorStatus.of(400, e.code(), e.getMessage(), e.field());
        }
        if (t instanceof SyncException e) {
            return e.isRetryable()
                    ? ErrorStatus.unavailable(e.code(), e.clientMessage())
                    : ErrorStatus.of(500, e.code(), e.clientMessage(), null);
        }
        return ErrorStatus.of(500, "internal", "internal error", null);
    }

    /** The error body of {@code error}: {@code {"error":{"code":..,"message":..,"field":..}}}, {@code field} only when not null. */
    public static String errorBody(ErrorStatus error) {
        return SyncJson.write(g -> writeError(error, g));
    }

    /** Writes the error body of {@code error} to {@code g}. */
    public static void writeError(ErrorStatus error, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("code", error.code());
        g.writeStringField("message", error.message());
        if (error.field() != null) {
            g.writeStringField("field", error.field());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Writes the error body of {@code error} to {@code out} in UTF-8; flushes {@code out}, does not close it. */
    public static void writeError(ErrorStatus error, OutputStream out) throws IOException {
        out.write(errorBody(error).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes the error body of {@code error} to {@code out}; flushes {@code out}, does not close it. */
    public static void writeError(ErrorStatus error, Writer out) throws IOException {
        out.write(errorBody(error));
        out.flush();
    }

    /**
     * Writes the error body {@link #errorStatus(Throwable)} gives for {@code failure} to {@code out}
     * in UTF-8, and returns that status, whose {@link ErrorStatus#status()} and
     * {@link ErrorStatus#retryAfterSeconds()} go into the response's status line and headers.
     */
    public static ErrorStatus writeError(Throwable failure, OutputStream out) throws IOException {
        ErrorStatus error = errorStatus(failure);
        writeError(error, out);
        return error;
    }
}
