package dev.syncmat.examples.cli;

import dev.syncmat.jdbi.LongerTitleWins;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --policy class:NAME}: a policy loaded from the classpath, and the usage errors of a bad one. */
class PolicyOptionTest {
    private static final String CUSTOM = "class:" + LongerTitleWins.class.getName();

    @TempDir
    Path dir;

    private String db() {
        return "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    }

    private Path ops() throws IOException {
        Path file = dir.resolve("ops.jsonl");
        Files.write(file, List.of(
                "{\"opId\":\"a1\",\"objectId\":\"doc\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"a\":1},"
                        + "\"payload\":\"Short\"}",
                "{\"opId\":\"b1\",\"objectId\":\"doc\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"b\":1},"
                        + "\"payload\":\"A much longer title\"}"), StandardCharsets.UTF_8);
        return file;
    }

    private static JsonNode json(String line) {
        return SyncJson.parseTree(line, "output");
    }

    @Test
    void aPolicyClassFromTheClasspathMergesAndItsReasonCodeIsListed() throws IOException {
        CliRunner.Result push = CliRunner.run("push", "--db", db(), "--tenant", "t", "--input", ops().toString(),
                "--policy", CUSTOM);
        assertThat(push.exitCode()).as(push.err()).isZero();

        CliRunner.Result conflicts = CliRunner.run("conflicts", "--db", db(), "--tenant", "t", "--policy", CUSTOM);
        assertThat(conflicts.exitCode()).as(conflicts.err()).isZero();
        JsonNode record = json(conflicts.out().strip());
        assertThat(record.get("winnerOpId").textValue()).isEqualTo("b1");
        assertThat(record.get("reason").textValue()).isEqualTo("longer_title");
        assertThat(CliRunner.run("conflicts", "--db", db(), "--tenant", "t", "--stats").out().strip())
                .isEqualTo("{\"reason\":\"longer_title\",\"objectType\":\"note\",\"count\":1}");

        CliRunner.Result verify = CliRunner.run("replay", "--db", db(), "--tenant", "t", "--mode", "verify", "--policy", CUSTOM);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(json(verify.out().strip()).get("policy").textValue()).isEqualTo("longer-title-wins");
        assertThat(CliRunner.run("replay", "--db", db(), "--tenant", "t", "--mode", "verify").exitCode())
                .as("the default policy is not the tenant's").isEqualTo(2);

        // Under delete-wins (payload order) "Short" would win; the custom policy picks the longer one.
        CliRunner.Result materialized = CliRunner.run("materialize", "--input", ops().toString(), "--policy", CUSTOM);
        assertThat(materialized.exitCode()).as(materialized.err()).isZero();
        assertThat(json(materialized.out().strip()).get("payload").textValue()).isEqualTo("A much longer title");
        assertThat(json(CliRunner.run("materialize", "--input", ops().toString()).out().strip()).get("payload").textValue())
                .isEqualTo("Short");
    }

    @Test
    void aBadPolicyIsAUsageErrorNamingTheOptionAndTheReason() throws IOException {
        Path ops = ops();
        assertUsageError(CliRunner.run("push", "--db", db(), "--tenant", "t", "--input", ops.toString(),
                "--policy", "class:com.example.NoSuchPolicy"), "class \"com.example.NoSuchPolicy\" cannot be loaded");
        assertUsageError(CliRunner.run("replay", "--db", db(), "--tenant", "t", "--mode", "verify",
                "--policy", "class:java.lang.String"), "does not implement dev.syncmat.core.merge.MergePolicy");
        assertUsageError(CliRunner.run("materialize", "--input", ops.toString(), "--policy", "class:"
                + NoDefaultConstructor.class.getName()), "has no public no-arg constructor");
        assertUsageError(CliRunner.run("materialize", "--input", ops.toString(), "--policy", "newest-wins"),
                "unknown merge policy \"newest-wins\"");
        assertThat(Files.exists(dir.resolve("db.mv.db"))).as("the database is not even opened").isFalse();
    }

    private static void assertUsageError(CliRunner.Result r, String reason) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("error: --policy: ").contains(reason);
    }

    /** A policy the CLI cannot construct. */
    public static final class NoDefaultConstructor extends LongerTitleWinsBase {
        /** Takes an argument, so there is no no-arg constructor. */
        public NoDefaultConstructor(int unused) {
        }
    }

    /** Lets {@link NoDefaultConstructor} be a MergePolicy without repeating one. */
    public abstract static class LongerTitleWinsBase implements dev.syncmat.core.merge.MergePolicy {
        private final LongerTitleWins delegate = new LongerTitleWins();

        @Override
        public int compare(dev.syncmat.core.op.Op a, dev.syncmat.core.op.Op b) {
            return delegate.compare(a, b);
        }

        @Override
        public dev.syncmat.core.merge.ConflictReason reason(dev.syncmat.core.op.Op winner, dev.syncmat.core.op.Op loser) {
            return delegate.reason(winner, loser);
        }

        @Override
        public String id() {
            return delegate.id();
        }
    }
}
