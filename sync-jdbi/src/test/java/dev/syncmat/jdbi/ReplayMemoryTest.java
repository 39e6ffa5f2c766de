package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.ReplayReport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay streams: a journal far larger than the heap is verified and rebuilt by a JVM started with
 * {@code -Xmx32m}. If replay held the journal (24,000 distinct payloads of about 2 KiB, some
 * 48 MiB) in memory, the child would die of OutOfMemoryError; it does when the page size is set
 * to cover the whole journal.
 */
class ReplayMemoryTest {
    static final int OPS = 24_000;
    static final int OBJECTS = 1_200;

    @TempDir
    Path dir;

    @Test
    void rebuildOfAJournalLargerThanTheHeapRunsInASmallHeap() throws Exception {
        String url = "jdbc:h2:" + dir.resolve("big").toAbsolutePath() + ";CACHE_SIZE=4096";
        SyncStore store = SyncStore.create(Jdbi.create(url));
        store.migrate();
        // The journal is written with one INSERT ... SELECT (in the canonical forms the store itself
        // writes) so that the test spends its time replaying, not pushing. Every payload is distinct
        // (H2 shares equal small values between rows). sync_objects stays empty: the rebuild has to
        // write every object.
        Jdbi.create(url).useHandle(h -> {
            h.createUpdate("INSERT INTO sync_journal (tenant_id, journal_seq, op_id, object_id, object_type, is_delete, "
                            + "vector_clock, payload, tags, client_timestamp, received_at) "
                            + "SELECT 'big', X, 'op-' || X, 'obj-' || MOD(X, :objects), 'note', FALSE, "
                            + "'{\"writer\":' || ((X - 1) / :objects + 1) || '}', "
                            + "'{\"filler\":\"' || REPEAT('x', 2000) || '\",\"op\":' || X || ',\"round\":' || ((X - 1) / :objects + 1) || '}', "
                            + "'[]', NULL, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, :ops)")
                    .bind("objects", OBJECTS).bind("ops", OPS).execute();
            h.createUpdate("INSERT INTO sync_tenants (tenant_id, journal_seq, change_seq) VALUES ('big', :ops, 0)")
                    .bind("ops", OPS).execute();
        });

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), ReplayMemoryMain.class.getName(), url)
                .redirectErrorStream(true).start();
        String output;
        try (var in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("verify-before journalOps=" + OPS + " objects=" + OBJECTS + " changed=" + OBJECTS)
                .contains("rebuild journalOps=" + OPS + " changed=" + OBJECTS)
                .contains("verify-after consistent=true");
        assertThat(store.get("big", "obj-7").payload().json()).contains("\"round\":" + (OPS / OBJECTS));
    }

    /** Runs in the child JVM with a small heap. */
    public static final class ReplayMemoryMain {
        public static void main(String[] args) throws IOException {
            SyncStore store = SyncStore.create(Jdbi.create(args[0]));
            ReplayReport before = store.replay("big", ReplayOptions.verify());
            System.out.println("verify-before journalOps=" + before.journalOps() + " objects=" + before.objects()
                    + " changed=" + before.changed().size());
            ReplayReport rebuild = store.replay("big", ReplayOptions.rebuild());
            System.out.println("rebuild journalOps=" + rebuild.journalOps() + " changed=" + rebuild.changed().size());
            System.out.println("verify-after consistent=" + store.replay("big", ReplayOptions.verify()).consistent());
            System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        }
    }
}
