package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MaterializeCommandTest {
    @TempDir
    Path dir;

    private Path write(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> opLines(String tenant, List<Op> ops) {
        List<String> lines = new ArrayList<>();
        for (Op op : ops) {
            lines.add(SyncJson.create().writeOpLine(tenant, op));
        }
        return lines;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shuffledAndPartlyDuplicatedInputPrintsByteIdenticalOutput(long seed) throws IOException {
        CausalHistory h1 = CausalHistories.defaults().replicas(4).objects(8).steps(300).generate(seed);
        CausalHistory h2 = CausalHistories.defaults().replicas(3).objects(5).steps(200).generate(seed + 100);
        List<String> lines = opLines("t1", h1.ops());
        lines.addAll(opLines("t2", h2.ops()));
        lines.addAll(opLines(null, h2.ops()));

        Random random = new Random(seed);
        List<String> scrambled = new ArrayList<>(lines);
        for (String line : lines) {
            if (random.nextInt(4) == 0) {
                scrambled.add(line);
            }
        }
        Collections.shuffle(scrambled, random);

        CliRunner.Result original = CliRunner.run("materialize", "--input", write("a.jsonl", lines).toString());
        CliRunner.Result shuffled = CliRunner.run("materialize", "--input", write("b.jsonl", scrambled).toString());
        assertThat(original.exitCode()).isZero();
        assertThat(original.err()).isEmpty();
        assertThat(original.out()).isNotEmpty();
        assertThat(shuffled.out().getBytes(StandardCharsets.UTF_8)).isEqualTo(original.out().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void outputIsSortedByTenantThenObjectIdAndCarriesTheTenant() throws IOException {
        CausalHistory h = CausalHistories.defaults().replicas(3).objects(6).steps(120).generate(9);
        List<String> lines = opLines("b", h.ops());
        lines.addAll(opLines("a", h.ops()));
        lines.addAll(opLines(null, h.ops()));
        CliRunner.Result r = CliRunner.run("materialize", "--input", write("ops.jsonl", lines).toString());
        ObjectMapper mapper = new ObjectMapper();
        List<String> keys = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            JsonNode node = mapper.readTree(line);
            String tenant = node.has("tenantId") ? node.get("tenantId").textValue() : "";
            keys.add(tenant + "\u0000" + node.get("objectId").textValue());
        }
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        assertThat(keys).isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(keys.get(0)).startsWith("\u0000");
        assertThat(keys).anyMatch(k -> k.startsWith("a\u0000")).anyMatch(k -> k.startsWith("b\u0000"));
    }

    @Test
    void shippedSampleResolvesItsConflictsAsTheRulesSay() throws IOException {
        Path sample = Path.of("..", "samples", "notes.jsonl");
        CliRunner.Result r = CliRunner.run("materialize", "--input", sample.toString());
        assertThat(r.exitCode()).isZero();
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> objects = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            objects.add(mapper.readTree(line));
        }
        assertThat(objects).hasSize(4);
        // note-1: laptop-1 saw phone-1; phone-2 did not see laptop-1. Two heads; the greater
        // canonical payload wins: ..."eggs"... > ..."bread"... byte-wise.
        assertThat(objects.get(0).get("winnerOpId").textValue()).isEqualTo("laptop-1");
        assertThat(objects.get(0).get("heads").intValue()).isEqualTo(2);
        // note-2: the delete is concurrent with tablet-1's update and wins.
        assertThat(objects.get(1).get("deleted").booleanValue()).isTrue();
        assertThat(objects.get(1).get("payload").isNull()).isTrue();
        // task-7: phone-5 saw the delete and resurrects the task.
        assertThat(objects.get(2).get("deleted").booleanValue()).isFalse();
        assertThat(objects.get(2).get("heads").intValue()).isEqualTo(1);
        // the same object id in another tenant stays apart
        assertThat(objects.get(3).get("tenantId").textValue()).isEqualTo("globex");
        assertThat(objects.get(3).get("payload").toString()).isEqualTo("{\"größe\":1.5,\"title\":\"Same id, other tenant\"}");
    }

    @Test
    void invalidLineFailsNamingLineFieldAndReasonAndPrintsNothing() throws IOException {
        Path file = write("bad.jsonl", List.of(
                "{\"opId\":\"x\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":1}",
                "",
                "{\"opId\":\"y\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"update\",\"clock\":{\"c1\":-3},\"payload\":1}"));
        CliRunner.Result r = CliRunner.run("materialize", "--input", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 3").contains("field \"clock\"").contains("must be >= 1, but was -3");
    }

    @Test
    void malformedJsonNamesTheLine() throws IOException {
        Path file = write("bad.jsonl", List.of("{\"opId\":"));
        CliRunner.Result r = CliRunner.run("materialize", "--input", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 1").contains("not valid JSON");
    }

    @Test
    void reusedOpIdFailsNamingTheLineAndPrintsNothing() throws IOException {
        Path file = write("reuse.jsonl", List.of(
                "{\"opId\":\"x\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":1}",
                "{\"opId\":\"x\",\"objectId\":\"o\",\"objectType\":\"t\",\"kind\":\"update\",\"clock\":{\"a\":1},\"payload\":2}"));
        CliRunner.Result r = CliRunner.run("materialize", "--input", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 2").contains("field \"opId\"").contains("already used");
    }

    @Test
    void aMissingFileIsAnEnvironmentFailure() {
        CliRunner.Result r = CliRunner.run("materialize", "--input", dir.resolve("nope.jsonl").toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("no such file");
    }
}
