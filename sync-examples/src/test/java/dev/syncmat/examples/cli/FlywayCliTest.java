package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.jdbi.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI on a schema that Flyway created with the library's migrations (the recipe of
 * docs/schema.md), on an H2 file and on PostgreSQL: the commands that require the tables accept
 * it, and {@code migrate} reports it current without touching it.
 */
class FlywayCliTest {
    @TempDir
    Path dir;

    private static JsonNode json(String line) {
        return SyncJson.parseTree(line, "output");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRESQL"})
    void pullHistoryConflictsAndReplayWorkOnAFlywaySchema(TestDatabases.Kind kind) throws IOException {
        String url;
        String folder;
        String schema;
        if (kind == TestDatabases.Kind.H2) {
            url = "jdbc:h2:" + dir.resolve("flyway").toAbsolutePath();
            folder = "h2";
            schema = "SYNC";
        } else {
            url = TestDatabases.postgres().url();
            folder = "postgresql";
            schema = "sync";
        }
        Flyway.configure().dataSource(url, null, null).schemas(schema)
                .locations("classpath:dev/syncmat/jdbi/migration/" + folder).load().migrate();

        CliRunner.Result migrate = CliRunner.run("migrate", "--db", url, "--schema", "sync");
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out().strip()).isEqualTo("{\"applied\":[],\"version\":8}");

        Path ops = dir.resolve("ops.jsonl");
        Files.write(ops, List.of(
                "{\"opId\":\"a1\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":{\"t\":\"a\"}}",
                "{\"opId\":\"b1\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"b\":1},\"payload\":{\"t\":\"b\"}}",
                "{\"opId\":\"a2\",\"objectId\":\"n2\",\"objectType\":\"task\",\"kind\":\"update\",\"clock\":{\"a\":2},\"payload\":1}"),
                StandardCharsets.UTF_8);
        CliRunner.Result push = CliRunner.run("push", "--db", url, "--schema", "sync", "--tenant", "acme", "--input", ops.toString());
        assertThat(push.exitCode()).as(push.err()).isZero();
        assertThat(json(push.out().strip()).get("results").findValuesAsText("outcome")).containsExactly("applied", "merged", "applied");

        CliRunner.Result pull = CliRunner.run("pull", "--db", url, "--schema", "sync", "--tenant", "acme");
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        assertThat(json(pull.out().strip()).get("objects").findValuesAsText("objectId")).containsExactly("n1", "n2");

        CliRunner.Result history = CliRunner.run("history", "--db", url, "--schema", "sync", "--tenant", "acme", "--object", "n1");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out().lines().map(l -> json(l).get("outcome").textValue())).containsExactly("applied", "merged");

        CliRunner.Result conflicts = CliRunner.run("conflicts", "--db", url, "--schema", "sync", "--tenant", "acme");
        assertThat(conflicts.exitCode()).as(conflicts.err()).isZero();
        assertThat(conflicts.out().lines().map(l -> json(l).get("objectId").textValue())).containsExactly("n1");

        CliRunner.Result replay = CliRunner.run("replay", "--db", url, "--schema", "sync", "--tenant", "acme", "--mode", "verify");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        JsonNode report = json(replay.out().strip());
        assertThat(report.get("journalOps").intValue()).isEqualTo(3);
        assertThat(report.get("changed")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRESQL"})
    void migrateOnAFlywaySchemaBehindTheLibraryNamesFlywayAndTheLocation(TestDatabases.Kind kind) {
        String url = kind == TestDatabases.Kind.H2 ? "jdbc:h2:" + dir.resolve("behind").toAbsolutePath() : TestDatabases.postgres().url();
        String folder = kind == TestDatabases.Kind.H2 ? "h2" : "postgresql";
        Flyway.configure().dataSource(url, null, null).locations("classpath:dev/syncmat/jdbi/migration/" + folder).target("6")
                .load().migrate();
        CliRunner.Result migrate = CliRunner.run("migrate", "--db", url);
        assertThat(migrate.exitCode()).isEqualTo(3);
        assertThat(migrate.err()).contains("managed by Flyway", "version 6",
                "run Flyway with the location classpath:dev/syncmat/jdbi/migration/" + folder);
        CliRunner.Result pull = CliRunner.run("pull", "--db", url, "--tenant", "acme");
        assertThat(pull.exitCode()).isEqualTo(3);
        assertThat(pull.err()).contains("no sync tables (or an older version of them)",
                "run Flyway with the location classpath:dev/syncmat/jdbi/migration/" + folder);
    }
}
