package dev.syncmat.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.examples.testing.StoreReads;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code push} when its database backend is killed ({@code pg_terminate_backend}) in the middle of
 * a batch: it stops with exit code 3 and says which batch failed, that it was rolled back, that the
 * failure is retryable and that re-running finishes the work; the re-run does, storing every op
 * exactly once. Deterministic: the test holds the tenant's counter row lock, so the command's first
 * push is sure to be waiting inside its transaction when its backend is terminated. Timeouts only
 * keep a hang from stalling the build.
 */
class PushCommandFaultTest {
    private static final String TENANT = "acme";
    private static final String APPLICATION = "syncmat-cli-push-under-test";
    private static final int BATCH = 40;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPushWhoseBackendIsKilledFailsClearlyAndARerunCompletesIt() throws Exception {
        TestDatabases.Database db = TestDatabases.postgres();
        String cliUrl = db.url() + (db.url().contains("?") ? "&" : "?") + "ApplicationName=" + APPLICATION;
        Jdbi admin = db.jdbi();

        // Another device synced earlier, so the tenant's counter row exists and can be held.
        SyncStore store = SyncStore.create(admin);
        store.migrate();
        Op earlier = Op.update("web-1", "welcome", "note", VectorClock.of("web", 1), Payload.parse("{\"title\":\"hi\"}"));
        store.push(TENANT, List.of(earlier));

        List<Op> ops = CausalHistories.defaults().replicas(3).objects(10).steps(260).generate(2026).ops();
        assertThat(ops).hasSizeGreaterThan(2 * BATCH);
        Path input = dir.resolve("ops.jsonl");
        SyncJson json = SyncJson.create();
        List<String> lines = new ArrayList<>();
        ops.forEach(op -> lines.add(json.writeOpLine(TENANT, op)));
        Files.write(input, lines, StandardCharsets.UTF_8);
        // --quiet: stderr must hold exactly the error line, however long the re-run takes (progress would come after 1 s).
        String[] command = {"push", "--db", cliUrl, "--user", db.user(), "--password", db.password(), "--tenant", TENANT,
                "--input", input.toString(), "--batch", Integer.toString(BATCH), "--quiet"};

        ExecutorService pool = Executors.newSingleThreadExecutor();
        CliRunner.Result killed;
        try (Handle holder = admin.open()) {
            holder.begin();
            holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = :t FOR UPDATE")
                    .bind("t", TENANT).mapTo(Long.class).one();
            Future<CliRunner.Result> run = pool.submit(() -> CliRunner.run(command));
            int pid = awaitBackendWaitingForALock(admin, run);
            boolean terminated = admin.withHandle(h -> h.createQuery("SELECT pg_terminate_backend(:pid)")
                    .bind("pid", pid).mapTo(Boolean.class).one());
            assertThat(terminated).as("backend %d terminated", pid).isTrue();
            killed = run.get(60, TimeUnit.SECONDS);
            holder.rollback();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(killed.exitCode()).as("exit code; stderr: %s", killed.err()).isEqualTo(3);
        assertThat(killed.out()).as("nothing was pushed, so no result line").isEmpty();
        assertThat(killed.err())
                .startsWith("error: batch of lines 1.." + BATCH + " ")
                .contains("the connection was lost")
                .contains("rolled back")
                .contains("(retryable;")
                .contains("re-run the command")
                .contains("SQLSTATE 57P01");
        assertThat(killed.err().lines()).hasSize(1);
        assertThat(journalOpIds(admin)).as("journal after the killed run").containsExactly("web-1");

        CliRunner.Result rerun = CliRunner.run(command);
        assertThat(rerun.exitCode()).as("exit code of the re-run; stderr: %s", rerun.err()).isZero();
        assertThat(rerun.err()).isEmpty();

        // The re-run reports, batch by batch, what the in-memory materializer reports for the same
        // ops: none of them was stored by the killed run.
        Materializer model = Materializer.create();
        model.apply(earlier);
        List<String> results = rerun.out().lines().toList();
        assertThat(results).hasSize((ops.size() + BATCH - 1) / BATCH);
        for (int b = 0; b < results.size(); b++) {
            List<Op> batch = ops.subList(b * BATCH, Math.min(ops.size(), (b + 1) * BATCH));
            List<String> expected = model.applyAll(batch).stream().map(r -> r.outcome().wireName()).toList();
            JsonNode line = SyncJson.parseTree(results.get(b), "output");
            assertThat(line.get("results").findValuesAsText("opId")).as("batch %d", b)
                    .containsExactlyElementsOf(batch.stream().map(Op::opId).toList());
            assertThat(line.get("results").findValuesAsText("outcome")).as("batch %d", b).isEqualTo(expected);
        }

        List<String> journal = journalOpIds(admin);
        List<String> wanted = new ArrayList<>(List.of("web-1"));
        ops.forEach(op -> wanted.add(op.opId()));
        assertThat(journal).as("every op exactly once, in file order").containsExactlyElementsOf(wanted);
        assertThat(StoreReads.pullAll(store, TENANT, 25)).isEqualTo(StoreReads.materialized(model));
        assertThat(store.replay(TENANT, ReplayOptions.verify()).consistent()).isTrue();
    }

    /**
     * Polls {@code pg_stat_activity} until the command's backend waits for a lock (its first push,
     * blocked on the tenant's counter row), and returns its pid.
     */
    private static int awaitBackendWaitingForALock(Jdbi admin, Future<CliRunner.Result> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(run.isDone()).as("the command ended before it blocked: %s", run.isDone() ? run.get() : null).isFalse();
            Optional<Integer> pid = admin.withHandle(h -> h.createQuery("SELECT pid FROM pg_stat_activity"
                            + " WHERE application_name = :app AND datname = current_database() AND wait_event_type = 'Lock'")
                    .bind("app", APPLICATION).mapTo(Integer.class).findOne());
            if (pid.isPresent()) {
                return pid.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the command's backend never waited for the tenant's lock");
    }

    /** The tenant's journaled op ids in journal order. */
    private static List<String> journalOpIds(Jdbi admin) {
        return admin.withHandle(h -> h.createQuery("SELECT op_id FROM sync_journal WHERE tenant_id = :t ORDER BY journal_seq")
                .bind("t", TENANT).mapTo(String.class).list());
    }
}
