package dev.syncmat.jdbi;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.InvalidClockException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The archive a purge writes: UTF-8 JSON lines, one of three types.
 *
 * <pre>
 * {"type":"horizon","tenantId":"acme","horizon":"2026-06-01T00:00:00Z","horizonJournalSeq":14,"policy":"delete-wins"}
 * {"type":"aliases","objectId":"note-1","aliases":[{"a":3,"b":1,...},{"~":1,"c":2,...}]}
 * {"type":"entry","journalSeq":3,"receivedAt":"...","op":{...}}
 * {"type":"snapshot","objectId":"note-1","heads":[{"journalSeq":7,"receivedAt":"...","op":{...}}]}
 * </pre>
 *
 * <p>An {@code entry} is a journal entry before the horizon that the purge removed; a
 * {@code snapshot} line lists an object's heads at the horizon, whose journal rows the purge kept
 * (they are where replay starts). An object's lines come together, and an object with context
 * aliases has an {@code aliases} line first: each alias in its stored form
 * ({@link ContextAliases#stored}), so that the archive alone tells what the clocks of its ops that
 * name an alias ({@code "~"}) stand for.
 *
 * <p>The removed entries together with the journal that remains are the tenant's whole journal,
 * so materializing them (in any order, the remaining journal's clocks expanded with the object's
 * aliases) gives the objects the unpurged store had; the snapshot lines with the entries after the
 * horizon give the same objects too.
 * A purge that failed part way and was run again leaves two files; read both (an entry may be in
 * both: entries are identified by op id).
 *
 * <p>Stateless; thread-safe.
 */
public final class PurgeArchive {
    private PurgeArchive() {
    }

    /**
     * The first line of an archive: whose journal it holds, up to where, and the policy it was
     * merged with.
     *
     * @param tenantId          the tenant
     * @param horizon           the purge's horizon
     * @param horizonJournalSeq the last journal position the purge looked at
     * @param policy            the id of the tenant's recorded merge policy
     */
    public record Horizon(String tenantId, Instant horizon, long horizonJournalSeq, String policy) {
    }

    /**
     * A journal entry read from an archive.
     *
     * @param journalSeq   its position in the tenant's journal
     * @param receivedAt   when the store received it
     * @param op           the op, its clock expanded when it names a context alias (by the
     *                     object's {@code aliases} line), so that any merge of these ops, the
     *                     store's or another's, reads it as the store did
     * @param snapshotHead whether it came from a snapshot line (its row stayed in the journal)
     */
    public record Entry(long journalSeq, Instant receivedAt, Op op, boolean snapshotHead) {
    }

    /**
     * Reads an archive line by line and hands every entry (removed ones and snapshot heads) to
     * {@code sink}, in file order, in constant memory (one line at a time).
     *
     * @param json reads the ops: give it the store's limits ({@code SyncJson.withLimits})
     * @throws InvalidInputException naming the line when a line is not one of the three types
     */
    public static void read(BufferedReader in, SyncJson json, Consumer<Entry> sink) throws IOException {
        read(in, json, h -> {
        }, sink);
    }

    /**
     * As {@link #read(BufferedReader, SyncJson, Consumer)}, and hands the archive's horizon line to
     * {@code horizons} when it comes (first, in an archive a purge wrote).
     *
     * @throws InvalidInputException naming the line when a line is not one of the line types or a
     *                               horizon line lacks a field
     */
    public static void read(BufferedReader in, SyncJson json, Consumer<Horizon> horizons, Consumer<Entry> sink)
            throws IOException {
        String line;
        long n = 0;
        // The aliases of the object whose lines are being read (an object's lines come together).
        String aliased = null;
        ContextAliases aliases = ContextAliases.none();
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + n;
            JsonNode node = SyncJson.parseTree(line, where);
            String type = node.path("type").asText("");
            switch (type) {
                case "horizon" -> horizons.accept(horizon(node, where));
                case "aliases" -> {
                    aliased = node.path("objectId").asText();
                    aliases = aliases(node.path("aliases"), where);
                }
                case "entry" -> sink.accept(entry(node, json, false, aliased, aliases, where));
                case "snapshot" -> {
                    for (JsonNode head : node.path("heads")) {
                        sink.accept(entry(head, json, true, aliased, aliases, where));
                    }
                }
                default -> throw new InvalidInputException(where,
                        where + " of the archive has type \"" + type + "\"; expected horizon, aliases, entry or snapshot");
            }
        }
    }

    private static Horizon horizon(JsonNode node, String where) {
        try {
            return new Horizon(Objects.requireNonNull(node.get("tenantId").textValue()),
                    Instant.parse(node.get("horizon").textValue()), node.get("horizonJournalSeq").longValue(),
                    Objects.requireNonNull(node.get("policy").textValue()));
        } catch (RuntimeException e) {
            throw new InvalidInputException(where, where + " of the archive is a horizon line without tenantId, horizon, "
                    + "horizonJournalSeq and policy");
        }
    }

    private static ContextAliases aliases(JsonNode list, String where) {
        ContextAliases a = ContextAliases.none();
        try {
            for (JsonNode stored : list) {
                a = a.with(StoredForms.parseClock(stored.toString()));
            }
        } catch (RuntimeException e) {
            throw new InvalidInputException(where, where + " of the archive has aliases that do not read back: "
                    + e.getMessage());
        }
        return a;
    }

    private static Entry entry(JsonNode node, SyncJson json, boolean head, String aliased, ContextAliases aliases,
                               String where) {
        Op op = json.readOp(node.path("op"));
        if (ContextAliases.namesAlias(op.clock())) {
            ContextAliases a = op.objectId().equals(aliased) ? aliases : ContextAliases.none();
            try {
                op = op.toBuilder().clock(a.expand(op.clock())).build();
            } catch (InvalidClockException e) {
                throw new InvalidInputException(where, where + " of the archive: op \"" + op.opId() + "\" of object \""
                        + op.objectId() + "\": " + e.reason() + " in the archive's aliases line");
            }
        }
        return new Entry(node.path("journalSeq").asLong(), Instant.parse(node.path("receivedAt").asText()), op, head);
    }

    /** Writes an archive as a purge finds its lines; {@link #flush} before the rows are removed. */
    static final class Output {
        private final Writer out;
        private final SyncJson json = SyncJson.create();

        Output(OutputStream stream) {
            this.out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
        }

        void horizon(String tenantId, Instant horizon, long horizonJournalSeq, String policyId) {
            line(SyncJson.write(g -> {
                g.writeStartObject();
                g.writeStringField("type", "horizon");
                g.writeStringField("tenantId", tenantId);
                g.writeStringField("horizon", horizon.toString());
                g.writeNumberField("horizonJournalSeq", horizonJournalSeq);
                g.writeStringField("policy", policyId);
                g.writeEndObject();
            }));
        }

        /** The aliases line of an object, before its other lines; nothing for an object without aliases. */
        void aliases(String objectId, ContextAliases aliases) {
            if (aliases.latest() == 0) {
                return;
            }
            line(SyncJson.write(g -> {
                g.writeStartObject();
                g.writeStringField("type", "aliases");
                g.writeStringField("objectId", objectId);
                g.writeArrayFieldStart("aliases");
                for (int k = 1; k <= aliases.latest(); k++) {
                    g.writeRawValue(aliases.stored(k).toJson());
                }
                g.writeEndArray();
                g.writeEndObject();
            }));
        }

        void entry(Rows.JournalEntry e) {
            line(SyncJson.write(g -> {
                g.writeStartObject();
                g.writeStringField("type", "entry");
                fields(g, e);
                g.writeEndObject();
            }));
        }

        void snapshot(String objectId, List<Rows.JournalEntry> heads) {
            line(SyncJson.write(g -> {
                g.writeStartObject();
                g.writeStringField("type", "snapshot");
                g.writeStringField("objectId", objectId);
                g.writeArrayFieldStart("heads");
                for (Rows.JournalEntry e : heads) {
                    g.writeStartObject();
                    fields(g, e);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }));
        }

        private void fields(JsonGenerator g, Rows.JournalEntry e) throws IOException {
            g.writeNumberField("journalSeq", e.journalSeq());
            g.writeStringField("receivedAt", e.receivedAt().toString());
            g.writeFieldName("op");
            json.writeOp(g, e.op(), null);
        }

        private void line(String text) {
            try {
                out.write(text);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("writing the archive failed; nothing of this batch was removed", e);
            }
        }

        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("writing the archive failed; nothing of this batch was removed", e);
            }
        }
    }
}
