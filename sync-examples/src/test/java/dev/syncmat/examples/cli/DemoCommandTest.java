package dev.syncmat.examples.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {
    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void everyClientEndsWithTheServersState(long seed) {
        CliRunner.Result r = CliRunner.run("demo", "--seed", String.valueOf(seed), "--clients", "4", "--rounds", "5");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("conflicts resolved").contains("final objects")
                .contains("server equals an in-memory materialization of all")
                .doesNotContain(": NO");
        assertThat(r.out().lines().filter(l -> l.endsWith("matches the server: yes"))).hasSize(4);
        // The scoped client, following notes tagged "shared" as they are retagged and deleted.
        assertThat(r.out().lines()).anyMatch(l -> l.startsWith("watcher holds exactly the server's") && l.endsWith(": yes"));
    }

    @ParameterizedTest
    @ValueSource(longs = {7})
    void theSameSeedPrintsTheSameStory(long seed) {
        String first = CliRunner.run("demo", "--seed", String.valueOf(seed)).out();
        String second = CliRunner.run("demo", "--seed", String.valueOf(seed)).out();
        assertThat(stripTempDir(second)).isEqualTo(stripTempDir(first));
    }

    private static String stripTempDir(String s) {
        return s.replaceAll("H2 database in \\S+", "H2 database in <tmp>");
    }
}
