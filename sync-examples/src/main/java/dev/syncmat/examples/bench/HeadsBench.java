package dev.syncmat.examples.bench;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What a push costs as an object's heads grow: on one database, in one run, one-op pushes to an
 * object with one head (each op supersedes it) against one-op pushes to an object with H mutually
 * concurrent heads (each op supersedes one head and stands beside the other H - 1, so the count
 * stays H). The two kinds of push alternate, so that the machine's noise falls on both alike.
 * Reports both medians, their ratio, the conflict rows written per op and the size of the
 * many-heads object's stored other heads with small and with 64 KiB payloads. Everything it
 * creates is removed at the end.
 */
public final class HeadsBench {
    static final int WARMUP = 50;
    private static final int LARGE_PAYLOAD = 64 * 1024;

    private final DataSource dataSource;
    private final SyncStore store;
    private final PrintWriter log;
    private final int heads;
    private final int pushes;

    /** The measured figures. */
    public record Result(int heads, int pushes, double oneHeadMedianMs, double manyHeadsMedianMs, double conflictRowsPerOp,
                         long otherHeadsBytesSmallPayloads, long otherHeadsBytesLargePayloads) {
        /** Median push time at H heads over median push time at one head. */
        public double ratio() {
            return manyHeadsMedianMs / oneHeadMedianMs;
        }

        /** The one-line JSON summary (new fields are added at the end). */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"heads\":%d,\"pushes\":%d,\"oneHeadMedianMs\":%.3f,\"manyHeadsMedianMs\":%.3f,"
                            + "\"ratio\":%.3f,\"conflictRowsPerOp\":%.3f,\"otherHeadsBytesSmallPayloads\":%d,"
                            + "\"otherHeadsBytesLargePayloads\":%d}",
                    heads, pushes, oneHeadMedianMs, manyHeadsMedianMs, ratio(), conflictRowsPerOp,
                    otherHeadsBytesSmallPayloads, otherHeadsBytesLargePayloads);
        }
    }

    /**
     * @param heads  H, the concurrent heads of the many-heads object
     * @param pushes one-op pushes measured of each kind
     */
    public HeadsBench(DataSource dataSource, SyncStore store, int heads, int pushes, PrintWriter log) {
        if (heads < 2) {
            throw new IllegalArgumentException("heads must be at least 2, but was " + heads);
        }
        this.dataSource = dataSource;
        this.store = store;
        this.log = log;
        this.heads = heads;
        this.pushes = pushes;
    }

    private static Op update(String opId, String objectId, VectorClock clock, String payload) {
        return Op.builder().opId(opId).objectId(objectId).objectType("note").kind(OpKind.UPDATE).clock(clock)
                .payload(Payload.parse(payload)).build();
    }

    private static String payload(int i, int size) {
        return "{\"title\":\"note " + i + "\",\"body\":\"" + "x".repeat(size) + "\"}";
    }

    /** H mutually concurrent updates of {@code objectId}, actor w_i at counter 1, with bodies of {@code size}. */
    private List<Op> concurrent(String objectId, int size) {
        List<Op> ops = new ArrayList<>(heads);
        for (int i = 0; i < heads; i++) {
            ops.add(update(objectId + "-w" + i + "-1", objectId, VectorClock.of("w" + i, 1), payload(i, size)));
        }
        return ops;
    }

    /** Runs the benchmark and cleans up, also on failure. */
    public Result run() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String one = "bench-" + run + "-one";
        String many = "bench-" + run + "-many";
        String large = "bench-" + run + "-large";
        try {
            progress("setting up an object with " + heads + " concurrent heads");
            store.push(many, concurrent("o", 100));
            store.push(one, List.of(update("o-1", "o", VectorClock.of("a", 1), payload(0, 100))));
            long conflictsBefore = count("sync_conflicts", many);
            int total = WARMUP + pushes;
            double[] oneMs = new double[pushes];
            double[] manyMs = new double[pushes];
            progress("measuring " + total + " one-op pushes of each kind, alternating (" + WARMUP + " warm-up)");
            for (int k = 0; k < total; k++) {
                // One head: actor a's next op supersedes the only head.
                Op next = update("o-" + (k + 2), "o", VectorClock.of("a", k + 2), payload(k, 100));
                long t0 = System.nanoTime();
                store.push(one, List.of(next));
                long t1 = System.nanoTime();
                // H heads: actor w_i's next op supersedes its own head and meets the other H - 1.
                int i = k % heads;
                long counter = 2 + k / heads;
                Op beside = update("o-w" + i + "-" + counter, "o", VectorClock.of("w" + i, counter), payload(k, 100));
                long t2 = System.nanoTime();
                store.push(many, List.of(beside));
                long t3 = System.nanoTime();
                if (k >= WARMUP) {
                    oneMs[k - WARMUP] = (t1 - t0) / 1e6;
                    manyMs[k - WARMUP] = (t3 - t2) / 1e6;
                }
            }
            if (store.get(many, "o").heads() != heads) {
                throw new IllegalStateException("the many-heads object should still have " + heads + " heads");
            }
            double conflictsPerOp = (count("sync_conflicts", many) - conflictsBefore) / (double) total;
            long small = otherHeadsBytes(many);
            progress("storing the same heads with payloads of 64 KiB");
            store.push(large, concurrent("o", LARGE_PAYLOAD));
            long big = otherHeadsBytes(large);
            return new Result(heads, pushes, median(oneMs), median(manyMs), conflictsPerOp, small, big);
        } finally {
            progress("cleaning up");
            cleanup(List.of(one, many, large));
        }
    }

    private long count(String table, String tenant) {
        return Jdbi.create(dataSource).withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = :t")
                .bind("t", tenant).mapTo(Long.class).one());
    }

    private long otherHeadsBytes(String tenant) {
        return Jdbi.create(dataSource).withHandle(h -> h.createQuery(
                        "SELECT OCTET_LENGTH(other_heads) FROM sync_objects WHERE tenant_id = :t AND object_id = 'o'")
                .bind("t", tenant).mapTo(Long.class).one());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private void cleanup(List<String> tenants) {
        Jdbi.create(dataSource).useHandle(h -> {
            for (String tenant : tenants) {
                for (String table : List.of("sync_journal", "sync_objects", "sync_object_tags", "sync_conflicts",
                        "sync_aliases", "sync_scope_exits", "sync_tenants")) {
                    h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenant).execute();
                }
            }
        });
    }

    private void progress(String line) {
        log.println("bench: " + line);
        log.flush();
    }
}
