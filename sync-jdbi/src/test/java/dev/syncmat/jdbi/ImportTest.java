package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PushResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Importing a legacy system's current objects: each becomes one op of the import actor, so clients
 * that pulled after the import supersede it, edits made offline before the switch meet it as a
 * concurrent head (a conflict the policy decides), a re-run changes nothing, and a bad line writes
 * nothing.
 */
class ImportTest {
    @TempDir
    Path dir;

    private static final List<String> LEGACY = List.of(
            "{\"id\":\"n1\",\"type\":\"note\",\"tags\":[\"inbox\"],\"payload\":{\"t\":\"legacy-1\"},\"deleted\":false}",
            "{\"id\":\"n2\",\"type\":\"note\",\"payload\":{\"t\":\"legacy-2\"}}",
            "",
            "{\"id\":\"n3\",\"type\":\"note\",\"tags\":[\"old\"],\"deleted\":true}",
            "{\"id\":\"n4\",\"type\":\"todo\",\"tags\":[\"b\",\"a\",\"b\"],\"payload\":null}");

    private Path file(String name, List<String> lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    @StoreTesting.OnBothDatabases
    void importedObjectsArePulledAndClientsBuildOnThem(TestDatabases.Kind kind) throws IOException {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();

        ImportReport report = store.importFile("acme", file("legacy.jsonl", LEGACY), 2);

        assertThat(report).isEqualTo(new ImportReport("acme", 4, 2, 4, 0, 0, 0, report.serverCursor()));
        assertThat(report.serverCursor()).isEqualTo(store.headCursor("acme"));
        Map<String, MaterializedObject> pulled = StoreTesting.pullAll(store, "acme", PullRequest.initial()).byId();
        assertThat(pulled).containsOnlyKeys("n1", "n2", "n3", "n4");
        MaterializedObject n1 = pulled.get("n1");
        assertThat(n1.payload()).isEqualTo(Payload.parse("{\"t\":\"legacy-1\"}"));
        assertThat(n1.tags()).containsExactly("inbox");
        assertThat(n1.winnerOpId()).isEqualTo("~import:n1");
        assertThat(n1.context()).isEqualTo(VectorClock.of("~import", 1));
        assertThat(pulled.get("n3").deleted()).isTrue();
        assertThat(pulled.get("n3").tags()).containsExactly("old");
        assertThat(pulled.get("n4").objectType()).isEqualTo("todo");
        assertThat(pulled.get("n4").tags()).containsExactly("a", "b");
        assertThat(pulled.get("n4").payload()).isEqualTo(Payload.parse("null"));

        // A client that pulled after the import builds on the served context: it supersedes the import.
        VectorClock built = n1.context().merge(VectorClock.of("c2", 1));
        PushResult edited = store.push("acme", List.of(update("c2-1", "n1", "note", built, "{\"t\":\"edited\"}", "inbox")));
        assertThat(edited.results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
        assertThat(store.get("acme", "n1").heads()).isEqualTo(1);
        assertThat(store.get("acme", "n1").winnerOpId()).isEqualTo("c2-1");

        // A client that edited offline before the switch built on an empty (or legacy) clock: its ops
        // are concurrent with the import and the policy decides (delete-wins: the greater payload, the delete).
        PushResult offline = store.push("acme", List.of(
                update("c1-1", "n2", "note", VectorClock.of("c1", 1), "{\"t\":\"offline\"}"),
                update("c1-2", "n3", "note", VectorClock.of("c1", 2), "{\"t\":\"revived?\"}")));
        assertThat(offline.results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED, Outcome.MERGED);
        MaterializedObject n2 = store.get("acme", "n2");
        assertThat(n2.heads()).isEqualTo(2);
        assertThat(n2.winnerOpId()).isEqualTo("c1-1");
        assertThat(n2.context()).isEqualTo(VectorClock.of(Map.of("~import", 1L, "c1", 1L)));
        assertThat(store.get("acme", "n3").deleted()).isTrue();
        List<ConflictRecord> conflicts = store.conflicts("acme", ConflictQuery.all());
        assertThat(conflicts).extracting(ConflictRecord::objectId, ConflictRecord::winnerOpId, ConflictRecord::loserOpId,
                        ConflictRecord::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("n2", "c1-1", "~import:n2", ConflictReason.PAYLOAD_ORDER),
                        org.assertj.core.groups.Tuple.tuple("n3", "~import:n3", "c1-2", ConflictReason.DELETE_WINS));

        // Resolving on the merged context ends the conflict, as for any two clients.
        PushResult resolved = store.push("acme", List.of(update("c1-3", "n2", "note",
                n2.context().merge(VectorClock.of("c1", 3)), "{\"t\":\"resolved\"}")));
        assertThat(resolved.results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
        assertThat(store.get("acme", "n2").heads()).isEqualTo(1);
        assertThat(store.replay("acme", ReplayOptions.verify()).consistent()).isTrue();
    }

    @StoreTesting.OnBothDatabases
    void reImportingTheSameFileChangesNothing(TestDatabases.Kind kind) throws IOException {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        Path legacy = file("legacy.jsonl", LEGACY);
        store.importFile("acme", legacy, 3);
        store.push("acme", List.of(update("c2-1", "n1", "note",
                VectorClock.of(Map.of("~import", 1L, "c2", 1L)), "{\"t\":\"edited\"}")));
        Map<String, Long> before = f.counts();
        String head = store.headCursor("acme");
        MaterializedObject n1 = store.get("acme", "n1");

        ImportReport again = store.importFile("acme", legacy, 3);

        assertThat(again).isEqualTo(new ImportReport("acme", 4, 2, 0, 0, 0, 4, head));
        assertThat(f.counts()).isEqualTo(before);
        assertThat(store.get("acme", "n1")).as("a client's edit stays the winner").isEqualTo(n1);
        assertThat(store.headCursor("acme")).isEqualTo(head);
    }

    @StoreTesting.OnBothDatabases
    void anImportMeetsWhatClientsWroteBeforeItAsConcurrentHeads(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        store.push("acme", List.of(delete("c1-1", "n1", "note", VectorClock.of("c1", 1))));

        PushResult imported = store.importObjects("acme", List.of(
                ImportedObject.of("n1", "note", List.of(), Payload.parse("{\"t\":\"legacy\"}")),
                ImportedObject.of("n2", "note", List.of(), Payload.parse("{\"t\":\"legacy\"}"))));

        assertThat(imported.results()).containsExactly(new OpResult("~import:n1", Outcome.MERGED),
                new OpResult("~import:n2", Outcome.APPLIED));
        assertThat(store.get("acme", "n1").deleted()).isTrue();
        assertThat(store.conflicts("acme", ConflictQuery.object("n1"))).extracting(ConflictRecord::loserOpId)
                .containsExactly("~import:n1");
    }

    @StoreTesting.OnBothDatabases
    void aBadLineNamesItsNumberAndFieldAndNothingIsWritten(TestDatabases.Kind kind) throws IOException {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        store.importFile("other", file("other.jsonl", LEGACY.subList(0, 1)), 1);
        Map<String, Long> before = f.counts();
        Path bad = file("bad.jsonl", List.of(LEGACY.get(0), LEGACY.get(1), "",
                "{\"id\":\"n5\",\"type\":\"note\",\"deleted\":false}", LEGACY.get(3)));

        assertThatThrownBy(() -> store.importFile("acme", bad, 1))
                .isInstanceOfSatisfying(ImportLineException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.field()).isEqualTo("payload");
                    assertThat(e.getMessage()).isEqualTo("line 4, field \"payload\": payload is required unless deleted is "
                            + "true (use JSON null for an empty one)");
                });
        assertThat(f.counts()).as("the lines before the bad one are not written either").isEqualTo(before);
        assertThat(store.find("acme", "n1")).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void anObjectImportedBeforeWithOtherContentIsRefusedByLine(TestDatabases.Kind kind) throws IOException {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        SyncStore store = f.store();
        store.importFile("acme", file("legacy.jsonl", LEGACY), 10);
        Map<String, Long> before = f.counts();
        Path changed = file("changed.jsonl", List.of(LEGACY.get(0),
                "{\"id\":\"n2\",\"type\":\"note\",\"payload\":{\"t\":\"changed since\"}}"));

        assertThatThrownBy(() -> store.importFile("acme", changed, 10))
                .isInstanceOfSatisfying(ImportLineException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo("id");
                    assertThat(e.getMessage()).contains("object \"n2\" was imported before with other content");
                });
        assertThat(f.counts()).isEqualTo(before);
        assertThat(store.get("acme", "n2").payload()).isEqualTo(Payload.parse("{\"t\":\"legacy-2\"}"));
    }

    @Test
    void linesAreCheckedFieldByField() {
        assertThat(lineError("not json")).startsWith("line 9, field \"line\": line is not valid JSON");
        assertThat(lineError("[1]")).isEqualTo("line 9, field \"line\": line must be a JSON object, but was array");
        assertThat(lineError("{\"id\":\"a\",\"type\":\"t\",\"payload\":1,\"tag\":[]}"))
                .isEqualTo("line 9, field \"tag\": unknown field \"tag\"; a line holds id, type, tags, payload and deleted");
        assertThat(lineError("{\"type\":\"t\",\"payload\":1}")).isEqualTo("line 9, field \"id\": id is required");
        assertThat(lineError("{\"id\":7,\"type\":\"t\",\"payload\":1}"))
                .isEqualTo("line 9, field \"id\": id must be a string, but was number");
        assertThat(lineError("{\"id\":\"a\",\"type\":\"\",\"payload\":1}"))
                .isEqualTo("line 9, field \"type\": type must be a non-empty string");
        assertThat(lineError("{\"id\":\"a\",\"type\":\"t\",\"payload\":1,\"tags\":\"x\"}"))
                .isEqualTo("line 9, field \"tags\": tags must be an array of strings");
        assertThat(lineError("{\"id\":\"a\",\"type\":\"t\",\"payload\":1,\"deleted\":\"no\"}"))
                .isEqualTo("line 9, field \"deleted\": deleted must be true or false, but was \"no\"");
        assertThat(lineError("{\"id\":\"a\",\"type\":\"t\",\"payload\":{\"x\":1},\"deleted\":true}"))
                .isEqualTo("line 9, field \"payload\": payload must be absent or null when deleted is true");
    }

    private static String lineError(String line) {
        try {
            ImportWork.parse(line, 9);
        } catch (ImportLineException e) {
            return e.getMessage();
        }
        throw new AssertionError("line accepted: " + line);
    }

    @Test
    void opIdsDependOnlyOnTheObjectId() {
        assertThat(ImportedObject.opIdFor("note-42")).isEqualTo("~import:note-42");
        assertThat(ImportedObject.opIdFor("x".repeat(64))).isEqualTo("~import:" + "x".repeat(64));
        // printf 'x%.0s' {1..65} | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='
        assertThat(ImportedObject.opIdFor("x".repeat(65))).isEqualTo("~import#lTfF_fEgSC99WNJentWD9SwCtOME6oFNsWM61WWu1-k");
    }

    @Test
    void clientsMayNotWriteAsTheImportActor() {
        StoreTesting.Fixture f = StoreTesting.fresh(TestDatabases.Kind.H2);
        Op forged = update("~import:n1", "n1", "note", VectorClock.of("~import", 1), "{}");
        assertThatThrownBy(() -> f.store().push("acme", List.of(forged)))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo("opId"));
        assertThatThrownBy(() -> ImportedObject.of("", "note", List.of(), Payload.parse("1")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("id"));
        ImportedObject nullTag = ImportedObject.of("n1", "note", java.util.Arrays.asList("a", null), Payload.parse("1"));
        assertThatThrownBy(() -> f.store().importObjects("acme", List.of(nullTag)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("tags"));
        assertThat(f.counts().get("sync_journal")).isZero();
    }
}
