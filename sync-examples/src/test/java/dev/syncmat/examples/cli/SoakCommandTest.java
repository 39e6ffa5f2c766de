package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code soak} command's wiring on a two-second run (the soak itself is a manual, long run;
 * see docs/reliability-soak.md): its summary line, exit codes and refusals. The timeout only keeps
 * a hang from stalling the build.
 */
class SoakCommandTest {
    @TempDir
    Path dir;

    private String db() {
        return "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aShortSoakPrintsAConsistentSummaryAndExitsZero() {
        CliRunner.Result r = CliRunner.run("soak", "--db", db(), "--writers", "3", "--followers", "2", "--duration", "2s",
                "--tenant", "soak-test");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        JsonNode summary = SyncJson.parseTree(r.out().strip(), "output");
        assertThat(summary.get("tenant").textValue()).isEqualTo("soak-test");
        assertThat(summary.get("writers").intValue()).isEqualTo(3);
        assertThat(summary.get("followers").intValue()).isEqualTo(2);
        assertThat(summary.get("pushes").longValue()).isPositive();
        assertThat(summary.get("journalOps").longValue()).isEqualTo(summary.get("ops").longValue());
        assertThat(summary.get("failures").intValue()).isZero();
        assertThat(summary.get("anomalies").intValue()).isZero();
        assertThat(summary.get("unfinishedThreads").intValue()).isZero();
        for (String flag : new String[] {"followersConsistent", "modelConsistent", "journalConsistent", "replayConsistent", "ok"}) {
            assertThat(summary.get(flag).booleanValue()).as(flag).isTrue();
        }
        assertThat(r.err()).contains("soak: tenant soak-test, 3 writers, 2 followers, 8 hot objects");

        // The same tenant again: the driver's model starts from nothing, so it refuses.
        CliRunner.Result again = CliRunner.run("soak", "--db", db(), "--duration", "1s", "--tenant", "soak-test");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.err()).contains("tenant \"soak-test\" must be empty");
        assertThat(again.out()).isEmpty();
        assertThat(CliRunner.run("replay", "--db", db(), "--tenant", "soak-test", "--mode", "verify").exitCode()).isZero();
    }

    @Test
    void badSettingsAreUsageErrors() {
        CliRunner.Result r = CliRunner.run("soak", "--db", db(), "--duration", "soon");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--duration").contains("\"soon\"");
        CliRunner.Result writers = CliRunner.run("soak", "--db", db(), "--writers", "0", "--duration", "1s");
        assertThat(writers.exitCode()).isEqualTo(2);
        assertThat(writers.err()).contains("writers must be >= 1 and followers >= 0, but were 0 and 2");
    }

    @Test
    void durationsReadAsShortFormsOrIso() {
        assertThat(SoakCommand.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(SoakCommand.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(SoakCommand.parseDuration("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(SoakCommand.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SoakCommand.parseDuration("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SoakCommand.parseDuration("10 minutes")).isNull();
    }
}
