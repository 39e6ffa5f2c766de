package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, CLI: {@code push} and {@code replay} report progress on stderr only (stdout keeps its
 * JSON), {@code --quiet} silences it; every command's {@code --help} lists its exit codes; every
 * command that opens a database takes its password the same ways.
 */
class CliProgressAndHelpTest {
    @TempDir
    Path dir;

    private String db(String name) {
        return "jdbc:h2:" + dir.resolve(name).toAbsolutePath();
    }

    private Path ops(int n) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add("{\"opId\":\"p-" + i + "\",\"objectId\":\"note-" + (i % 7) + "\",\"objectType\":\"note\",\"kind\":\"update\","
                    + "\"clock\":{\"p\":" + i + "},\"payload\":{\"n\":" + i + "}}");
        }
        Path file = dir.resolve("ops.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static List<JsonNode> jsonLines(String out) {
        return out.lines().map(l -> SyncJson.parseTree(l, "stdout")).toList();
    }

    @Test
    void pushProgressGoesToStderrAndQuietSilencesItWhileStdoutKeepsItsJson() throws IOException {
        Path ops = ops(30);
        CliRunner.Result shown = CliRunner.run("push", "--db", db("a"), "--tenant", "t", "--input", ops.toString(), "--batch", "10",
                "--progress-interval", "0");
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        List<String> err = shown.err().lines().toList();
        assertThat(err).hasSize(4);
        assertThat(err.get(0)).startsWith("push: 10/30 ops (33%), ").endsWith(" s left");
        assertThat(err.get(1)).startsWith("push: 20/30 ops (66%), ");
        assertThat(err.get(2)).startsWith("push: 30/30 ops (100%), ").endsWith("about 0 s left");
        assertThat(err.get(3)).startsWith("push: 30 ops in ").endsWith(" ops/s");

        CliRunner.Result quiet = CliRunner.run("push", "--db", db("b"), "--tenant", "t", "--input", ops.toString(), "--batch", "10",
                "--progress-interval", "0", "--quiet");
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.err()).isEmpty();

        List<JsonNode> withProgress = jsonLines(shown.out());
        List<JsonNode> without = jsonLines(quiet.out());
        assertThat(withProgress).hasSize(3);
        assertThat(without).hasSize(3);
        for (int i = 0; i < 3; i++) {
            // Two databases: the cursors differ (each has its own epoch), the results do not.
            assertThat(withProgress.get(i).get("results")).isEqualTo(without.get(i).get("results"));
            assertThat(withProgress.get(i).properties()).extracting(Map.Entry::getKey).containsExactly("results", "serverCursor");
        }
        assertThat(withProgress.get(0).get("results")).hasSize(10);
    }

    @Test
    void aQuickPushPrintsNoProgressByDefault() throws IOException {
        CliRunner.Result r = CliRunner.run("push", "--db", db("a"), "--tenant", "t", "--input", ops(3).toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // A run shorter than a second prints none (a longer one may): what must hold is that stdout is JSON only.
        assertThat(jsonLines(r.out())).singleElement().satisfies(j -> assertThat(j.get("results")).hasSize(3));
    }

    @Test
    void replayProgressGoesToStderrWithASummaryAndQuietSilencesIt() throws IOException {
        assertThat(CliRunner.run("push", "--db", db("a"), "--tenant", "t", "--input", ops(30).toString(), "--quiet").exitCode()).isZero();
        CliRunner.Result shown = CliRunner.run("replay", "--db", db("a"), "--tenant", "t", "--mode", "verify", "--page-size", "10",
                "--progress-interval", "0");
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        List<String> err = shown.err().lines().toList();
        assertThat(err).hasSizeGreaterThanOrEqualTo(4);
        assertThat(err.get(0)).startsWith("replay: 10 journal ops, ").contains(" differing, ").endsWith(" journal ops/s");
        assertThat(err.get(err.size() - 1)).startsWith("replay: 30 journal ops, 7 objects, 0 differing in ");

        CliRunner.Result quiet = CliRunner.run("replay", "--db", db("a"), "--tenant", "t", "--mode", "verify", "--page-size", "10",
                "--quiet");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).isEmpty();
        // Verify writes nothing: the same report both times, and it is all of stdout.
        assertThat(quiet.out()).isEqualTo(shown.out());
        assertThat(jsonLines(shown.out())).singleElement().satisfies(j -> assertThat(j.get("journalOps").longValue()).isEqualTo(30));
    }

    @Test
    void everyCommandsHelpListsTheExitCodesItReturns() {
        CliRunner.Result top = CliRunner.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("Exit codes:", "  0   success", "  1   invalid input data", "  2   a command line",
                "  3   a database or environment failure", "  4   replay --mode verify found differences");
        assertThat(CliRunner.run("push", "--help").out()).contains("Exit codes:", "  1   invalid input data", "  3   a database")
                .doesNotContain("  4   ");
        assertThat(CliRunner.run("replay", "--help").out()).contains("  4   the verify found differences");
        assertThat(CliRunner.run("soak", "--help").out()).contains("  4   a run failed");
        assertThat(CliRunner.run("demo", "--help").out()).contains("  1   the clients did not converge");
        for (String name : new CommandLine(new SyncCli()).getSubcommands().keySet()) {
            assertThat(CliRunner.run(name, "--help").out()).as("help of %s", name).contains("Exit codes:", "  0   success",
                    "  2   a command line that cannot work as given");
        }
    }

    @Test
    void anUncaughtInputErrorExitsWith1() {
        assertThat(CliRunner.run("migrate", "--db", db("a")).exitCode()).isZero();
        CliRunner.Result r = CliRunner.run("history", "--db", db("a"), "--tenant", "t".repeat(300), "--object", "x");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(SyncCli.EXIT_INVALID_INPUT);
        assertThat(r.err()).startsWith("error: ").contains("tenantId");
    }

    @Test
    void everyCommandThatOpensADatabaseTakesItsPasswordTheSameWays() {
        int withDb = 0;
        for (CommandLine command : new CommandLine(new SyncCli()).getSubcommands().values()) {
            if (command.getCommandSpec().findOption("--db") == null) {
                continue;
            }
            withDb++;
            for (String name : List.of("--user", "--password", "--password-env")) {
                OptionSpec option = command.getCommandSpec().findOption(name);
                assertThat(option).as("%s of %s", name, command.getCommandName()).isNotNull();
                assertThat(option.description()).as("%s of %s", name, command.getCommandName())
                        .isEqualTo(new CommandLine(new SyncCli()).getSubcommands().get("push").getCommandSpec().findOption(name)
                                .description());
            }
        }
        assertThat(withDb).as("commands with --db").isGreaterThanOrEqualTo(10);
    }
}
