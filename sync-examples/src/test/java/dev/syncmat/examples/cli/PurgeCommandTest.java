package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sync-cli purge} against an H2 file database: its report, the archive file, and its usage errors. */
class PurgeCommandTest {
    @TempDir
    Path dir;

    private String db() {
        return "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    }

    private static JsonNode json(String text) {
        return SyncJson.parseTree(text.strip(), "output");
    }

    private long rows(String table) {
        return Jdbi.create(db()).withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    /** Just after the last op received: a horizon every pushed row is older than. */
    private Instant afterLastOp() {
        OffsetDateTime last = Jdbi.create(db()).withHandle(h -> h.createQuery("SELECT MAX(received_at) FROM sync_journal")
                .mapTo(OffsetDateTime.class).one());
        return last.toInstant().plusNanos(1000);
    }

    /** A note written twice and deleted, and a live note; returns the cursor after the first push. */
    private String pushNotes() throws IOException {
        Path ops = dir.resolve("ops.jsonl");
        Files.write(ops, List.of(
                "{\"opId\":\"c1-1\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"c1\":1},\"payload\":{\"t\":\"a\"},\"tags\":[\"inbox\"]}",
                "{\"opId\":\"c1-2\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"c1\":2},\"payload\":{\"t\":\"b\"},\"tags\":[\"inbox\"]}",
                "{\"opId\":\"c2-1\",\"objectId\":\"n2\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"c2\":1},\"payload\":{\"t\":\"c\"}}"),
                StandardCharsets.UTF_8);
        CliRunner.Result first = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        String cursor = json(first.out()).get("serverCursor").textValue();
        Path delete = dir.resolve("delete.jsonl");
        Files.write(delete, List.of(
                "{\"opId\":\"c1-3\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"delete\",\"clock\":{\"c1\":3}}"),
                StandardCharsets.UTF_8);
        assertThat(CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", delete.toString()).exitCode()).isZero();
        return cursor;
    }

    @Test
    void dryRunReportsTheCountsAndWritesNothing() throws IOException {
        pushNotes();
        Path archive = dir.resolve("acme.archive.jsonl");
        CliRunner.Result r = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", afterLastOp().toString(),
                "--archive", archive.toString(), "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = json(r.out());
        assertThat(report.get("dryRun").booleanValue()).isTrue();
        assertThat(report.get("tombstones").longValue()).isEqualTo(1);
        assertThat(report.get("journalArchived").longValue()).isEqualTo(2);
        assertThat(report.get("snapshotHeads").longValue()).isEqualTo(2);
        assertThat(report.get("clientsToResync").isNull()).isTrue();
        assertThat(r.err()).contains("keeps no record of its clients' cursors");
        assertThat(archive).doesNotExist();
        assertThat(rows("sync_journal")).isEqualTo(4);
        assertThat(rows("sync_objects")).isEqualTo(2);
        assertThat(rows("sync_graves")).isZero();
    }

    @Test
    void purgeWithAnArchiveRemovesWhatItReportsAndVerifyStaysConsistent() throws IOException {
        String oldCursor = pushNotes();
        Path archive = dir.resolve("acme.archive.jsonl");
        CliRunner.Result r = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", afterLastOp().toString(),
                "--archive", archive.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = json(r.out());
        assertThat(report.get("tombstones").longValue()).isEqualTo(1);
        assertThat(report.get("journalArchived").longValue()).isEqualTo(2);
        assertThat(report.get("archive").textValue()).isEqualTo(archive.toString());
        assertThat(rows("sync_journal")).isEqualTo(2);
        assertThat(rows("sync_objects")).isEqualTo(1);
        assertThat(rows("sync_graves")).isEqualTo(1);
        List<String> lines = Files.readAllLines(archive, StandardCharsets.UTF_8);
        assertThat(json(lines.get(0)).get("type").textValue()).isEqualTo("horizon");
        assertThat(lines.stream().filter(l -> l.contains("\"type\":\"entry\""))).hasSize(2);
        assertThat(lines.stream().filter(l -> l.contains("\"type\":\"snapshot\""))).hasSize(2);

        CliRunner.Result verify = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
        CliRunner.Result pull = CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--since", oldCursor);
        assertThat(pull.exitCode()).isEqualTo(1);
        assertThat(pull.err()).contains("retention horizon");
        JsonNode full = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme").out());
        assertThat(full.get("objects")).hasSize(1);
        assertThat(full.get("objects").get(0).get("objectId").textValue()).isEqualTo("n2");
    }

    /**
     * {@code materialize --archive}: a purge archive alone gives the tenant's objects as they were
     * at the horizon, the same lines as materializing every op pushed before it; under another
     * policy than the archive's it is refused.
     */
    @Test
    void materializeReadsAnArchiveBackToTheObjectsAtItsHorizon() throws IOException {
        pushNotes();
        Path archive = dir.resolve("acme.archive.jsonl");
        assertThat(CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", afterLastOp().toString(),
                "--archive", archive.toString()).exitCode()).isZero();

        CliRunner.Result fromArchive = CliRunner.run("materialize", "--archive", archive.toString());
        assertThat(fromArchive.exitCode()).as(fromArchive.err()).isZero();
        // Every op was before the horizon: the same objects as all the ops pushed, tenant acme.
        Path all = dir.resolve("all.jsonl");
        List<String> ops = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("ops.jsonl"), StandardCharsets.UTF_8)) {
            ops.add("{\"tenantId\":\"acme\"," + line.substring(1));
        }
        for (String line : Files.readAllLines(dir.resolve("delete.jsonl"), StandardCharsets.UTF_8)) {
            ops.add("{\"tenantId\":\"acme\"," + line.substring(1));
        }
        Files.write(all, ops, StandardCharsets.UTF_8);
        CliRunner.Result fromOps = CliRunner.run("materialize", "--input", all.toString());
        assertThat(fromOps.exitCode()).as(fromOps.err()).isZero();
        assertThat(fromArchive.out().lines().toList()).hasSize(2).isEqualTo(fromOps.out().lines().toList());
        // The archive and the same ops again: nothing changes (entries are identified by op id).
        assertThat(CliRunner.run("materialize", "--archive", archive.toString(), "--input", all.toString()).out())
                .isEqualTo(fromOps.out());

        CliRunner.Result otherPolicy = CliRunner.run("materialize", "--archive", archive.toString(), "--policy", "update-wins");
        assertThat(otherPolicy.exitCode()).isEqualTo(2);
        assertThat(otherPolicy.err()).contains("--policy delete-wins");
        CliRunner.Result none = CliRunner.run("materialize");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--input").contains("--archive");
        CliRunner.Result missing = CliRunner.run("materialize", "--archive", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void usageErrorsNameTheOptionAndWriteNothing() throws IOException {
        pushNotes();
        Instant horizon = afterLastOp();
        CliRunner.Result bad = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--before").contains("\"yesterday\"");

        CliRunner.Result future = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", "2999-01-01T00:00:00Z");
        assertThat(future.exitCode()).isEqualTo(2);
        assertThat(future.err()).contains("--before").contains("after the store's clock");

        Path existing = dir.resolve("exists.jsonl");
        Files.writeString(existing, "keep me\n");
        CliRunner.Result exists = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", horizon.toString(),
                "--archive", existing.toString());
        assertThat(exists.exitCode()).isEqualTo(2);
        assertThat(exists.err()).contains("--archive").contains("exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me\n");
        assertThat(rows("sync_objects")).isEqualTo(2);

        assertThat(CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before", horizon.toString()).exitCode()).isZero();
        CliRunner.Result back = CliRunner.run("purge", "--db", db(), "--tenant", "acme", "--before",
                horizon.minusSeconds(60).toString());
        assertThat(back.exitCode()).isEqualTo(2);
        assertThat(back.err()).contains("--before").contains("only moves forward");
    }
}
