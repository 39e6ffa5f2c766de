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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sync-cli import} against an H2 file database: its report, a re-run, and a bad line. */
class ImportCommandTest {
    @TempDir
    Path dir;

    private String db() {
        return "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    }

    private static JsonNode json(String text) {
        return SyncJson.parseTree(text.strip(), "output");
    }

    private long journalRows() {
        return Jdbi.create(db()).withHandle(h -> h.createQuery("SELECT COUNT(*) FROM sync_journal").mapTo(Long.class).one());
    }

    private Path legacy(String... lines) throws IOException {
        Path f = dir.resolve("legacy-" + lines.length + ".jsonl");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    private static final String N1 = "{\"id\":\"n1\",\"type\":\"note\",\"tags\":[\"inbox\"],\"payload\":{\"t\":\"a\"}}";
    private static final String N2 = "{\"id\":\"n2\",\"type\":\"note\",\"deleted\":true}";

    @Test
    void importPrintsOneReportAndARerunFindsDuplicates() throws IOException {
        Path file = legacy(N1, N2);
        CliRunner.Result first = CliRunner.run("import", "--db", db(), "--tenant", "acme", "--file", file.toString(), "--batch", "1");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode report = json(first.out());
        assertThat(report.fieldNames()).toIterable().containsExactly("tenantId", "objects", "batches", "applied", "merged",
                "stale", "duplicates", "serverCursor");
        assertThat(report.get("objects").longValue()).isEqualTo(2);
        assertThat(report.get("batches").longValue()).isEqualTo(2);
        assertThat(report.get("applied").longValue()).isEqualTo(2);

        CliRunner.Result pulled = CliRunner.run("pull", "--db", db(), "--tenant", "acme");
        assertThat(pulled.exitCode()).as(pulled.err()).isZero();
        JsonNode objects = json(pulled.out()).get("objects");
        assertThat(objects).hasSize(2);
        assertThat(objects.get(0).get("winnerOpId").textValue()).isEqualTo("~import:n1");
        assertThat(objects.get(0).get("context").toString()).isEqualTo("{\"~import\":1}");

        CliRunner.Result again = CliRunner.run("import", "--db", db(), "--tenant", "acme", "--file", file.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(json(again.out()).get("duplicates").longValue()).isEqualTo(2);
        assertThat(json(again.out()).get("serverCursor")).isEqualTo(report.get("serverCursor"));
        assertThat(journalRows()).isEqualTo(2);
    }

    @Test
    void aBadLineExitsWithOneNamingTheLineAndWritesNothing() throws IOException {
        Path file = legacy(N1, "{\"id\":\"n3\",\"type\":\"note\",\"payload\":{},\"tags\":[1]}");
        CliRunner.Result r = CliRunner.run("import", "--db", db(), "--tenant", "acme", "--file", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: line 2, field \"tags\": tags must be an array of strings, but held 1"
                + System.lineSeparator());
        assertThat(r.out()).isEmpty();
        assertThat(journalRows()).isZero();
    }

    @Test
    void aMissingFileExitsWithThree() {
        CliRunner.Result r = CliRunner.run("import", "--db", db(), "--tenant", "acme", "--file", dir.resolve("none").toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("no such file");
    }
}
