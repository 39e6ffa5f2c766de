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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The store commands of the CLI against an H2 file database: their JSON output and exit codes. */
class StoreCommandsTest {
    @TempDir
    Path dir;

    private String db() {
        return "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    }

    private Path acmeOps() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "notes.jsonl"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\"acme\"")).collect(Collectors.toList());
        Path file = dir.resolve("acme.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static JsonNode json(String line) {
        return SyncJson.parseTree(line, "output");
    }

    private long rows(String table) {
        return Jdbi.create(db()).withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    @Test
    void pushPrintsOneLinePerBatchAndARerunIsAllDuplicates() throws IOException {
        Path ops = acmeOps();
        CliRunner.Result first = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString(), "--batch", "4");
        assertThat(first.exitCode()).as(first.err()).isZero();
        List<String> lines = first.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(json(lines.get(0)).get("results")).hasSize(4);
        assertThat(json(lines.get(0)).get("serverCursor").isTextual()).isTrue();
        assertThat(json(lines.get(2)).get("results").get(1).get("outcome").textValue()).isEqualTo("duplicate");

        CliRunner.Result again = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(json(again.out().strip()).get("results").findValuesAsText("outcome")).containsOnly("duplicate");
        assertThat(rows("sync_journal")).isEqualTo(9);
    }

    /** --max-heads bounds the heads of an object the push leaves; a bound below 2 is a usage error that opens nothing. */
    @Test
    void pushTakesTheBoundOnHeadsFromMaxHeads() throws IOException {
        Path ops = dir.resolve("concurrent.jsonl");
        List<String> lines = new java.util.ArrayList<>();
        for (String actor : List.of("a", "b", "c")) {
            lines.add("{\"opId\":\"" + actor + "-1\",\"objectId\":\"doc\",\"objectType\":\"note\",\"kind\":\"update\","
                    + "\"clock\":{\"" + actor + "\":1},\"payload\":\"" + actor + "\"}");
        }
        Files.write(ops, lines, StandardCharsets.UTF_8);
        CliRunner.Result bounded = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString(),
                "--max-heads", "2", "--warn-heads", "1");
        assertThat(bounded.exitCode()).as(bounded.err()).isZero();
        JsonNode page = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme").out().strip());
        // The third op would have left three heads: the store's resolution op collapsed them.
        assertThat(page.get("objects").get(0).get("heads").intValue()).isEqualTo(1);
        assertThat(rows("sync_journal")).isEqualTo(4);

        CliRunner.Result other = CliRunner.run("push", "--db", db(), "--tenant", "other", "--input", ops.toString());
        assertThat(other.exitCode()).as(other.err()).isZero();
        JsonNode unbounded = json(CliRunner.run("pull", "--db", db(), "--tenant", "other").out().strip());
        assertThat(unbounded.get("objects").get(0).get("heads").intValue()).isEqualTo(3);

        CliRunner.Result refused = CliRunner.run("push", "--db", "jdbc:h2:" + dir.resolve("never").toAbsolutePath(),
                "--tenant", "acme", "--input", ops.toString(), "--max-heads", "1");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--max-heads must be at least 2, but was 1");
        assertThat(Files.exists(dir.resolve("never.mv.db"))).as("no database opened").isFalse();
        assertThat(CliRunner.run("import", "--db", db(), "--tenant", "acme", "--file", ops.toString(), "--warn-heads", "0")
                .err()).contains("--warn-heads must be at least 1, but was 0");
    }

    /**
     * {@code pull --wait}: a pull that finds nothing new waits for a push from another store (here
     * another CLI run) and prints the page that holds it; one that nothing wakes prints the empty
     * page at its deadline with the same cursor; a negative wait is refused naming waitMs.
     */
    @Test
    void pullWaitsForAPushAndPrintsItsPage() throws Exception {
        CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", acmeOps().toString());
        String head = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--limit", "1000").out().strip())
                .get("serverCursor").textValue();

        java.util.concurrent.atomic.AtomicReference<CliRunner.Result> waited = new java.util.concurrent.atomic.AtomicReference<>();
        Thread puller = new Thread(() -> waited.set(CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--since", head,
                "--wait", "30000")), "cli-pull-wait");
        puller.start();
        // Until the pull is blocked in its wait (its thread parked under SyncStore.pull), not for a set time.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!waitingInPull(puller)) {
            assertThat(puller.isAlive()).as("the pull returned before anything was pushed: " + waited.get()).isTrue();
            assertThat(System.nanoTime()).as("the pull never started waiting").isLessThan(deadline);
            Thread.onSpinWait();
        }
        Path late = dir.resolve("late.jsonl");
        Files.writeString(late, "{\"opId\":\"late-1\",\"objectId\":\"late\",\"objectType\":\"note\",\"kind\":\"update\","
                + "\"clock\":{\"late\":1},\"payload\":1}\n", StandardCharsets.UTF_8);
        assertThat(CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", late.toString()).exitCode()).isZero();
        puller.join(60_000);
        assertThat(puller.isAlive()).isFalse();
        assertThat(waited.get().exitCode()).as(waited.get().err()).isZero();
        JsonNode page = json(waited.get().out().strip());
        assertThat(page.get("objects").findValuesAsText("objectId")).containsExactly("late");
        String after = page.get("serverCursor").textValue();

        // Nothing wakes this one: the empty page at its deadline, the cursor unchanged.
        CliRunner.Result idle = CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--since", after, "--wait", "200");
        assertThat(idle.exitCode()).as(idle.err()).isZero();
        JsonNode empty = json(idle.out().strip());
        assertThat(empty.get("objects")).isEmpty();
        assertThat(empty.get("serverCursor").textValue()).isEqualTo(after);

        CliRunner.Result negative = CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--wait", "-1");
        assertThat(negative.exitCode()).isEqualTo(1);
        assertThat(negative.err()).contains("waitMs");
    }

    private static boolean waitingInPull(Thread t) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        boolean inPull = false;
        boolean parked = false;
        for (StackTraceElement frame : t.getStackTrace()) {
            inPull |= frame.getClassName().equals("dev.syncmat.jdbi.SyncStore") && frame.getMethodName().equals("pull");
            parked |= frame.getClassName().equals("java.util.concurrent.CompletableFuture");
        }
        return inPull && parked;
    }

    @Test
    void pushValidatesTheWholeFileBeforeWritingAnything() throws IOException {
        Path ops = acmeOps();
        List<String> lines = Files.readAllLines(ops, StandardCharsets.UTF_8);
        lines.add("{\"opId\":\"bad\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"upsert\",\"clock\":{\"a\":1}}");
        Files.write(ops, lines, StandardCharsets.UTF_8);
        CliRunner.Result r = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString(), "--batch", "2");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 11").contains("field \"kind\"").contains("\"upsert\"");
        assertThat(CliRunner.run("migrate", "--db", db()).exitCode()).isZero();
        assertThat(rows("sync_journal")).isZero();
    }

    @Test
    void pullPrintsOnePageAndFiltersByScope() throws IOException {
        CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", acmeOps().toString());
        JsonNode page = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--limit", "2").out().strip());
        assertThat(page.get("objects")).hasSize(2);
        assertThat(page.get("hasMore").booleanValue()).isTrue();
        JsonNode rest = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--since",
                page.get("serverCursor").textValue()).out().strip());
        assertThat(rest.get("objects")).hasSize(1);
        assertThat(rest.get("hasMore").booleanValue()).isFalse();
        JsonNode tasks = json(CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--type", "task").out().strip());
        assertThat(tasks.get("objects").findValuesAsText("objectId")).containsExactly("task-7");
        CliRunner.Result foreign = CliRunner.run("pull", "--db", db(), "--tenant", "globex", "--since", page.get("serverCursor").textValue());
        assertThat(foreign.exitCode()).isEqualTo(1);
        assertThat(foreign.err()).contains("sinceCursor").contains("another tenant");
    }

    @Test
    void replayVerifyReportsATamperedObjectAndRebuildRepairsIt() throws IOException {
        CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", acmeOps().toString());
        CliRunner.Result clean = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify");
        assertThat(clean.exitCode()).isZero();
        JsonNode report = json(clean.out().strip());
        assertThat(report.get("mode").textValue()).isEqualTo("verify");
        assertThat(report.get("journalOps").intValue()).isEqualTo(9);
        assertThat(report.get("objects").intValue()).isEqualTo(3);
        assertThat(report.get("changed")).isEmpty();
        assertThat(report.get("conflicts").intValue()).isEqualTo(2);
        assertThat(clean.err()).contains("replay: 9 journal ops");

        Jdbi.create(db()).useHandle(h -> h.execute("UPDATE sync_objects SET payload = '0' WHERE object_id = 'task-7'"));
        CliRunner.Result dirty = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify");
        assertThat(dirty.exitCode()).isEqualTo(4);
        assertThat(json(dirty.out().strip()).get("changed").get(0).textValue()).isEqualTo("task-7");
        CliRunner.Result rebuild = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "rebuild");
        assertThat(rebuild.exitCode()).isZero();
        assertThat(json(rebuild.out().strip()).get("changed").get(0).textValue()).isEqualTo("task-7");
        assertThat(CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify").exitCode()).isZero();

        CliRunner.Result refused = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify",
                "--policy", "update-wins");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("policy \"delete-wins\"").contains("policy \"update-wins\"")
                .contains("--switch-policy");
        CliRunner.Result otherPolicy = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify",
                "--policy", "update-wins", "--switch-policy");
        assertThat(otherPolicy.exitCode()).isEqualTo(4);
        assertThat(json(otherPolicy.out().strip()).get("changed").get(0).textValue()).isEqualTo("note-2");
    }

    @Test
    void aRebuildWithSwitchPolicyMovesTheTenantToTheNewPolicy() throws IOException {
        Path ops = acmeOps();
        CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString());
        CliRunner.Result noPolicy = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "rebuild",
                "--switch-policy");
        assertThat(noPolicy.exitCode()).isEqualTo(2);
        assertThat(noPolicy.err()).contains("--switch-policy needs --policy");

        CliRunner.Result switched = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "rebuild",
                "--policy", "update-wins", "--switch-policy");
        assertThat(switched.exitCode()).as(switched.err()).isZero();
        assertThat(json(switched.out().strip()).get("policy").textValue()).isEqualTo("update-wins");
        String recorded = Jdbi.create(db()).withHandle(h -> h.createQuery("SELECT policy_id FROM sync_tenants")
                .mapTo(String.class).one());
        assertThat(recorded).isEqualTo("update-wins");
        assertThat(CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify", "--policy", "update-wins")
                .exitCode()).isZero();

        CliRunner.Result oldPolicy = CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", ops.toString());
        assertThat(oldPolicy.exitCode()).isEqualTo(2);
        assertThat(oldPolicy.err()).contains("tenant \"acme\" is merged with policy \"update-wins\"");
        assertThat(rows("sync_journal")).isEqualTo(9);
    }

    @Test
    void historyAndConflictsPrintJsonLines() throws IOException {
        CliRunner.run("push", "--db", db(), "--tenant", "acme", "--input", acmeOps().toString());
        List<String> history = CliRunner.run("history", "--db", db(), "--tenant", "acme", "--object", "note-2").out().lines().toList();
        assertThat(history).hasSize(3);
        assertThat(history.stream().map(l -> json(l).get("opId").textValue())).containsExactly("phone-3", "laptop-2", "tablet-1");
        assertThat(history.stream().map(l -> json(l).get("outcome").textValue())).containsExactly("applied", "applied", "merged");

        List<String> conflicts = CliRunner.run("conflicts", "--db", db(), "--tenant", "acme").out().lines().toList();
        assertThat(conflicts.stream().map(l -> json(l).get("reason").textValue())).containsExactly("PAYLOAD_ORDER", "DELETE_WINS");
        assertThat(CliRunner.run("conflicts", "--db", db(), "--tenant", "acme", "--object", "note-2").out().lines()).hasSize(1);
        List<String> stats = CliRunner.run("conflicts", "--db", db(), "--tenant", "acme", "--stats").out().lines().toList();
        assertThat(stats).containsExactly("{\"reason\":\"DELETE_WINS\",\"objectType\":\"note\",\"count\":1}",
                "{\"reason\":\"PAYLOAD_ORDER\",\"objectType\":\"note\",\"count\":1}");
        // --stats counts what the same filters list, not everything.
        String only = CliRunner.run("conflicts", "--db", db(), "--tenant", "acme", "--object", "note-2").out().strip();
        assertThat(CliRunner.run("conflicts", "--db", db(), "--tenant", "acme", "--object", "note-2", "--stats").out().lines())
                .containsExactly("{\"reason\":\"" + json(only).get("reason").textValue() + "\",\"objectType\":\"note\",\"count\":1}");
        assertThat(CliRunner.run("conflicts", "--db", db(), "--tenant", "acme", "--from", "2100-01-01T00:00:00Z", "--stats")
                .out()).isEmpty();
    }

    @Test
    void readOnlyCommandsDoNotCreateTables() {
        CliRunner.Result r = CliRunner.run("replay", "--db", db(), "--tenant", "acme", "--mode", "verify");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("no sync tables").contains("sync-cli migrate");
        CliRunner.Result pull = CliRunner.run("pull", "--db", db(), "--tenant", "acme");
        assertThat(pull.exitCode()).isEqualTo(3);
        assertThat(pull.err()).contains("no sync tables");
        CliRunner.Result typo = CliRunner.run("pull", "--db", db(), "--tenant", "acme", "--schema", "tpyo");
        assertThat(typo.exitCode()).isEqualTo(3);
        long schemas = Jdbi.create(db()).withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'TPYO'").mapTo(Long.class).one());
        assertThat(schemas).isZero();
        assertThat(CliRunner.run("migrate", "--db", db()).out().strip()).isEqualTo("{\"applied\":[1,2,3,4,5,6,7,8],\"version\":8}");
        assertThat(CliRunner.run("migrate", "--db", db()).out().strip()).isEqualTo("{\"applied\":[],\"version\":8}");
    }

    @Test
    void aMissingInputFileIsAnEnvironmentFailureNotBadInput() {
        for (String command : List.of("push", "materialize")) {
            List<String> args = new java.util.ArrayList<>(List.of(command, "--input", dir.resolve("missing.jsonl").toString()));
            if (command.equals("push")) {
                args.addAll(List.of("--db", db(), "--tenant", "acme"));
            }
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(command).isEqualTo(3);
            assertThat(r.err()).as(command).contains("no such file").contains("missing.jsonl");
        }
    }

    @Test
    void anUnreachableDatabaseIsReportedWithItsCause() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        CliRunner.Result r = CliRunner.run("pull", "--db", "jdbc:postgresql://127.0.0.1:1/none?user=x", "--tenant", "acme");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("refused");
    }

    @Test
    void aScopedPullPrintsRemovalsAndIncludeHeadsPrintsTheCompetingHeads() throws IOException {
        Path ops = dir.resolve("retag.jsonl");
        Files.write(ops, List.of(
                "{\"opId\":\"a1\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":1,\"tags\":[\"work\"]}",
                "{\"opId\":\"b1\",\"objectId\":\"n2\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"b\":1},\"payload\":2,\"tags\":[\"work\"]}",
                "{\"opId\":\"c1\",\"objectId\":\"n2\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"c\":1},\"payload\":3,\"tags\":[\"work\"]}"),
                StandardCharsets.UTF_8);
        assertThat(CliRunner.run("push", "--db", db(), "--tenant", "t", "--input", ops.toString()).exitCode()).isZero();
        JsonNode first = json(CliRunner.run("pull", "--db", db(), "--tenant", "t", "--tag", "work").out().strip());
        assertThat(first.get("objects").findValuesAsText("objectId")).containsExactly("n1", "n2");
        assertThat(first.get("removed")).isEmpty();

        Path retag = dir.resolve("retag2.jsonl");
        Files.write(retag, List.of("{\"opId\":\"a2\",\"objectId\":\"n1\",\"objectType\":\"note\",\"kind\":\"update\","
                + "\"clock\":{\"a\":2},\"payload\":1,\"tags\":[\"home\"]}"), StandardCharsets.UTF_8);
        assertThat(CliRunner.run("push", "--db", db(), "--tenant", "t", "--input", retag.toString()).exitCode()).isZero();
        JsonNode next = json(CliRunner.run("pull", "--db", db(), "--tenant", "t", "--tag", "work", "--since",
                first.get("serverCursor").textValue()).out().strip());
        assertThat(next.get("objects")).isEmpty();
        assertThat(next.get("removed").findValuesAsText("objectId")).containsExactly("n1");

        JsonNode heads = json(CliRunner.run("pull", "--db", db(), "--tenant", "t", "--id", "n2", "--include-heads").out().strip());
        JsonNode n2 = heads.get("objects").get(0);
        assertThat(n2.get("winnerOpId").textValue()).isEqualTo("c1");
        assertThat(n2.get("otherHeads").toString()).isEqualTo("[{\"opId\":\"b1\",\"deleted\":false,\"payload\":2,\"clock\":{\"b\":1}}]");
    }
}
