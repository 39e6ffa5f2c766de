package dev.syncmat.jdbi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PushResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The import of a JSON-lines file of objects: a first pass reads and checks every line and writes
 * nothing, a second pass imports them in batches of at most {@code batchSize} objects and
 * {@link #BATCH_CHARS} characters of lines, one transaction each, through the store's push path.
 * Memory holds one batch, whatever the file's size.
 */
final class ImportWork {
    /** A batch closes when its lines hold this many characters. */
    static final int BATCH_CHARS = 4 * 1024 * 1024;

    private static final Set<String> FIELDS = Set.of("id", "type", "tags", "payload", "deleted");

    private final SyncStore store;
    private final Limits limits;
    private final String tenantId;
    private final Path file;
    private final int batchSize;

    ImportWork(SyncStore store, String tenantId, Path file, int batchSize) {
        this.store = store;
        this.limits = store.options().limits();
        this.tenantId = tenantId;
        this.file = file;
        this.batchSize = batchSize;
    }

    /** The longest line read: room for a payload at its limit written with escapes, and the other fields. */
    int maxLineChars() {
        return (int) Math.min(Integer.MAX_VALUE - 8, 4L * limits.maxPayloadBytes() + 64 * 1024);
    }

    ImportReport run() throws IOException {
        try (LineReader in = new LineReader(file, maxLineChars())) {
            for (String line; (line = in.next()) != null; ) {
                parse(line, in.number()).toOp(limits);
            }
        }
        long objects = 0;
        long batches = 0;
        long applied = 0;
        long merged = 0;
        long stale = 0;
        long duplicates = 0;
        String cursor = null;
        List<ImportedObject> batch = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        long chars = 0;
        try (LineReader in = new LineReader(file, maxLineChars())) {
            while (true) {
                String line = in.next();
                if (line != null) {
                    batch.add(parse(line, in.number()));
                    numbers.add(in.number());
                    chars += line.length();
                }
                boolean full = batch.size() >= batchSize || chars >= BATCH_CHARS;
                if (!batch.isEmpty() && (full || line == null)) {
                    PushResult result = importBatch(batch, numbers);
                    for (OpResult r : result.results()) {
                        switch (r.outcome()) {
                            case APPLIED -> applied++;
                            case MERGED -> merged++;
                            case STALE -> stale++;
                            case DUPLICATE -> duplicates++;
                        }
                    }
                    objects += batch.size();
                    batches++;
                    cursor = result.serverCursor();
                    batch.clear();
                    numbers.clear();
                    chars = 0;
                }
                if (line == null) {
                    break;
                }
            }
        }
        if (cursor == null) {
            cursor = store.headCursor(tenantId);
        }
        return new ImportReport(tenantId, objects, batches, applied, merged, stale, duplicates, cursor);
    }

    private PushResult importBatch(List<ImportedObject> batch, List<Long> numbers) {
        try {
            return store.importObjects(tenantId, batch);
        } catch (OpIdReusedException e) {
            // The last line of the batch with the op id: an earlier one, if any, came first.
            for (int i = batch.size() - 1; i >= 0; i--) {
                ImportedObject o = batch.get(i);
                if (ImportedObject.opIdFor(o.objectId()).equals(e.opId())) {
                    throw new ImportLineException(numbers.get(i), "id", "object \"" + abbreviate(o.objectId())
                            + "\" was imported before with other content (by an earlier line or an earlier import); "
                            + "an import never changes an object it has imported");
                }
            }
            throw e;
        }
    }

    /**
     * One line of an import file as an object.
     *
     * @throws ImportLineException naming the line and the field
     */
    static ImportedObject parse(String line, long number) {
        JsonNode node;
        try {
            node = SyncJson.parseTree(line, "line");
        } catch (InvalidInputException e) {
            throw new ImportLineException(number, "line", e.reason());
        }
        if (!node.isObject()) {
            throw new ImportLineException(number, "line", "line must be a JSON object, but was " + node.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new ImportLineException(number, name, "unknown field \"" + abbreviate(name)
                        + "\"; a line holds id, type, tags, payload and deleted");
            }
        }
        String id = requiredString(node, "id", number);
        String type = requiredString(node, "type", number);
        List<String> tags = tags(node.get("tags"), number);
        JsonNode deletedNode = node.get("deleted");
        if (deletedNode != null && !deletedNode.isBoolean() && !deletedNode.isNull()) {
            throw new ImportLineException(number, "deleted", "deleted must be true or false, but was " + deletedNode);
        }
        boolean deleted = deletedNode != null && deletedNode.booleanValue();
        JsonNode payloadNode = node.get("payload");
        Payload payload;
        try {
            payload = payloadNode == null || (deleted && payloadNode.isNull()) ? null : Payload.of(payloadNode);
        } catch (InvalidOpException e) {
            throw new ImportLineException(number, "payload", e.reason());
        }
        try {
            return new ImportedObject(id, type, tags, payload, deleted);
        } catch (InvalidInputException e) {
            throw new ImportLineException(number, e.field(), e.reason());
        }
    }

    private static String requiredString(JsonNode node, String field, long number) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new ImportLineException(number, field, field + " is required");
        }
        if (!v.isTextual()) {
            throw new ImportLineException(number, field, field + " must be a string, but was " + v.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return v.textValue();
    }

    private static List<String> tags(JsonNode node, long number) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ImportLineException(number, "tags", "tags must be an array of strings");
        }
        List<String> tags = new ArrayList<>(node.size());
        for (JsonNode t : node) {
            if (!t.isTextual()) {
                throw new ImportLineException(number, "tags", "tags must be an array of strings, but held " + t);
            }
            tags.add(t.textValue());
        }
        return tags;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Reads the non-blank lines of a UTF-8 file, each at most {@code maxChars} long, with their numbers. */
    private static final class LineReader implements AutoCloseable {
        private final Reader in;
        private final int maxChars;
        private final StringBuilder line = new StringBuilder();
        private long number;
        private boolean eof;

        LineReader(Path file, int maxChars) throws IOException {
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            this.in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 64 * 1024);
            this.maxChars = maxChars;
        }

        /** The next non-blank line, or null at the end of the file. */
        String next() throws IOException {
            while (!eof) {
                number++;
                line.setLength(0);
                while (true) {
                    int c;
                    try {
                        c = in.read();
                    } catch (CharacterCodingException e) {
                        throw new ImportLineException(number, "line", "the file is not valid UTF-8");
                    }
                    if (c == -1) {
                        eof = true;
                        break;
                    }
                    if (c == '\n') {
                        break;
                    }
                    if (line.length() >= maxChars) {
                        throw new ImportLineException(number, "line", "line is longer than " + maxChars + " characters");
                    }
                    line.append((char) c);
                }
                if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                String text = line.toString();
                if (!text.isBlank()) {
                    return text;
                }
            }
            return null;
        }

        /** The number of the line {@link #next} returned last (1-based). */
        long number() {
            return number;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
