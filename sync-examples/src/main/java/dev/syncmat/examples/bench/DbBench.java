package dev.syncmat.examples.bench;

import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.jdbi.SqlDialect;
import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The database-path benchmark: on one database, in one run, (1) the floor, a JDBC batch insert of
 * N journal-shaped rows into a scratch table with the journal's keys; (2) a push of N ops through
 * the store in batches of 500; (3) a pull of 100 changes after a cursor when the tenant holds S
 * objects and when it holds 100 x S; (4) a replay rebuild of the N-op journal after its objects
 * were deleted. Everything it creates is removed at the end.
 */
public final class DbBench {
    static final int BATCH = 500;
    static final int PULL_CHANGES = 100;
    static final int PULL_RUNS = 25;
    static final int WARMUP_OPS = 10_000;

    private final DataSource dataSource;
    private final SyncStore store;
    private final PrintWriter log;
    private final int smallObjects;
    private final int ops;
    private boolean floorCreated;

    /** The measured figures. */
    public record Result(double pushOpsPerSec, double baselineInsertOpsPerSec, double pullMsSmall, double pullMsLarge,
                         double replayOpsPerSec, long largeObjects, double pullScopedMsSmall, double pullScopedMsLarge) {
        /** Push throughput over the floor's. */
        public double pushToBaselineRatio() {
            return pushOpsPerSec / baselineInsertOpsPerSec;
        }

        /** Pull time at 100 x S objects over pull time at S objects. */
        public double pullScaleRatio() {
            return pullMsLarge / pullMsSmall;
        }

        /** The same for a pull scoped by a tag that only the changed objects carry. */
        public double pullScopedScaleRatio() {
            return pullScopedMsLarge / pullScopedMsSmall;
        }

        /** The one-line JSON summary (new fields are added at the end). */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"pushOpsPerSec\":%.0f,\"baselineInsertOpsPerSec\":%.0f,\"pushToBaselineRatio\":%.3f,"
                            + "\"pullMsSmall\":%.3f,\"pullMsLarge\":%.3f,\"pullScaleRatio\":%.3f,\"replayOpsPerSec\":%.0f,"
                            + "\"pullScopedMsSmall\":%.3f,\"pullScopedMsLarge\":%.3f,\"pullScopedScaleRatio\":%.3f}",
                    pushOpsPerSec, baselineInsertOpsPerSec, pushToBaselineRatio(), pullMsSmall, pullMsLarge, pullScaleRatio(),
                    replayOpsPerSec, pullScopedMsSmall, pullScopedMsLarge, pullScopedScaleRatio());
        }
    }

    /**
     * @param smallObjects S: objects of the small tenant; the large one gets 100 x S
     * @param log          progress lines (stderr in the CLI)
     */
    public DbBench(DataSource dataSource, SyncStore store, int smallObjects, PrintWriter log) {
        this.dataSource = dataSource;
        this.store = store;
        this.log = log;
        this.smallObjects = smallObjects;
        // 80% of the ops create an object, so N = 125 x S ops leave 100 x S objects.
        this.ops = smallObjects * 125;
    }

    /** Runs the benchmark and cleans up, also on failure. */
    public Result run() throws SQLException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String large = "bench-" + run + "-large";
        String small = "bench-" + run + "-small";
        try {
            return measure(large, small);
        } finally {
            progress("cleaning up");
            cleanup(List.of(large, small, warmupTenant(large)));
        }
    }

    private Result measure(String large, String small) throws SQLException {
        progress("generating " + ops + " ops");
        List<Op> workload = BenchWorkload.generate(42, ops, "obj-");
        long largeObjects = workload.stream().map(Op::objectId).distinct().count();

        // Both paths are warmed up first (JIT, statement preparation, plans) on throw-away tenants,
        // so that neither is measured cold.
        progress("warming up both paths with " + WARMUP_OPS + " ops each");
        List<Op> warmup = BenchWorkload.generate(41, WARMUP_OPS, "warm-");
        floor(warmupTenant(large), warmup);
        for (int i = 0; i < warmup.size(); i += BATCH) {
            store.push(warmupTenant(large), warmup.subList(i, Math.min(warmup.size(), i + BATCH)));
        }

        progress("floor: JDBC batch insert of " + ops + " journal-shaped rows, batches of " + BATCH);
        double floor = floor(large, workload);
        progress(String.format(Locale.ROOT, "floor: %.0f rows/s", floor));

        progress("push: " + ops + " ops through the store, batches of " + BATCH);
        long t0 = System.nanoTime();
        int batches = (workload.size() + BATCH - 1) / BATCH;
        int tenth = Math.max(1, batches / 10);
        double firstTenth = 0;
        double lastTenth = 0;
        for (int b = 0; b < batches; b++) {
            long tb = System.nanoTime();
            store.push(large, workload.subList(b * BATCH, Math.min(workload.size(), (b + 1) * BATCH)));
            double s = seconds(tb);
            if (b < tenth) {
                firstTenth += s;
            } else if (b >= batches - tenth) {
                lastTenth += s;
            }
        }
        double push = workload.size() / seconds(t0);
        progress(String.format(Locale.ROOT, "push: %.0f ops/s (%d objects); first tenth %.0f ops/s, last tenth %.0f ops/s",
                push, largeObjects, tenth * BATCH / firstTenth, tenth * BATCH / lastTenth));

        progress("pull: " + PULL_CHANGES + " changes after a cursor, tenant with " + smallObjects + " objects");
        List<Op> smallWorkload = new ArrayList<>();
        for (Op op : BenchWorkload.generate(43, smallObjects * 2, "small-")) {
            if (op.clock().size() == 1 && op.clock().counterAt(0) == 1 && smallWorkload.size() < smallObjects) {
                smallWorkload.add(op);
            }
        }
        for (int i = 0; i < smallWorkload.size(); i += BATCH) {
            store.push(small, smallWorkload.subList(i, Math.min(smallWorkload.size(), i + BATCH)));
        }
        double[] pullSmall = pull(small, smallWorkload);
        progress("pull: " + PULL_CHANGES + " changes after a cursor, tenant with " + largeObjects + " objects");
        double[] pullLarge = pull(large, workload);
        progress(String.format(Locale.ROOT, "pull: %.3f ms small, %.3f ms large; scoped by tag: %.3f ms small, %.3f ms large",
                pullSmall[0], pullLarge[0], pullSmall[1], pullLarge[1]));

        progress("replay: rebuild of the " + ops + "-op journal after deleting its objects");
        deleteObjects(large);
        t0 = System.nanoTime();
        ReplayReport report = store.replay(large, ReplayOptions.rebuild());
        double replay = report.journalOps() / seconds(t0);
        progress(String.format(Locale.ROOT, "replay: %.0f ops/s, %d objects rebuilt", replay, report.changed().size()));
        if (report.changed().size() != largeObjects) {
            throw new IllegalStateException("rebuild wrote " + report.changed().size() + " objects, expected " + largeObjects);
        }
        return new Result(push, floor, pullSmall[0], pullLarge[0], replay, largeObjects, pullSmall[1], pullLarge[1]);
    }

    private static String warmupTenant(String large) {
        return large.replace("-large", "-warmup");
    }

    /**
     * Median times of pulling exactly the last {@value #PULL_CHANGES} changes, unscoped and scoped by
     * the tag only those changes carry.
     */
    private double[] pull(String tenant, List<Op> existing) {
        String cursor = store.headCursor(tenant);
        store.push(tenant, BenchWorkload.touch(existing, PULL_CHANGES, tenant.hashCode(), "touch-"));
        return new double[] {median(tenant, PullRequest.since(cursor).withLimit(PULL_CHANGES)),
                median(tenant, PullRequest.since(cursor).withLimit(PULL_CHANGES).withScope(Scope.tags("touched")))};
    }

    private double median(String tenant, PullRequest request) {
        double[] ms = new double[PULL_RUNS];
        for (int warmup = 0; warmup < 5; warmup++) {
            store.pull(tenant, request);
        }
        for (int i = 0; i < PULL_RUNS; i++) {
            long t0 = System.nanoTime();
            int n = store.pull(tenant, request).objects().size();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (n != PULL_CHANGES) {
                throw new IllegalStateException("pulled " + n + " changes, expected " + PULL_CHANGES);
            }
        }
        Arrays.sort(ms);
        return ms[PULL_RUNS / 2];
    }

    private double floor(String tenant, List<Op> workload) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!floorCreated) {
                try (Statement s = c.createStatement()) {
                    // A run that was killed leaves its scratch table behind.
                    s.execute("DROP TABLE IF EXISTS sync_bench_floor");
                    s.execute(sql("floor_create"));
                    s.execute(sql("floor_index"));
                    if (store.dialect() == SqlDialect.CITUS) {
                        // Sharded like the journal it stands for, so that both pay the same routing.
                        s.execute("SELECT create_distributed_table('sync_bench_floor', 'tenant_id')");
                    }
                }
                floorCreated = true;
            }
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(sql("floor_insert"))) {
                for (int i = 0; i < workload.size(); i++) {
                    Op op = workload.get(i);
                    ps.setString(1, tenant);
                    ps.setLong(2, i + 1);
                    ps.setString(3, op.opId());
                    ps.setString(4, op.objectId());
                    ps.setString(5, op.objectType());
                    ps.setBoolean(6, op.isDelete());
                    ps.setString(7, op.clock().toJson());
                    ps.setString(8, op.payload() == null ? null : op.payload().json());
                    ps.setString(9, op.tags().isEmpty() ? "[]" : "[\"" + op.tags().get(0) + "\"]");
                    ps.setString(10, op.timestamp() == null ? null : op.timestamp().toString());
                    ps.setObject(11, now);
                    ps.addBatch();
                    if ((i + 1) % BATCH == 0 || i + 1 == workload.size()) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            return workload.size() / seconds(t0);
        }
    }

    /**
     * Deletes the tenant's objects, tags and conflicts, as the rollback plan's truncate does. On
     * PostgreSQL the tables are then vacuumed, so that the replay meets what a TRUNCATE leaves (no
     * dead index entries) rather than a hundred thousand rows deleted a moment ago. Not on Citus:
     * there the vacuumed shard of the tenant holds no rows, its statistics say so, and the worker
     * then plans the rebuild's one-row probes as scans of the tenant's rows, so the one-transaction
     * rebuild slows with every object it writes (docs/benchmarks.md).
     */
    private void deleteObjects(String tenant) {
        Jdbi.create(dataSource).useHandle(h -> {
            List<String> tables = List.of("sync_objects", "sync_object_tags", "sync_conflicts");
            for (String table : tables) {
                h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenant).execute();
            }
            if (store.dialect() == SqlDialect.POSTGRESQL) {
                for (String table : tables) {
                    h.execute("VACUUM ANALYZE " + table);
                }
            }
        });
    }

    private void cleanup(List<String> tenants) {
        Jdbi jdbi = Jdbi.create(dataSource);
        jdbi.useHandle(h -> {
            for (String tenant : tenants) {
                for (String table : List.of("sync_journal", "sync_objects", "sync_object_tags", "sync_conflicts", "sync_tenants")) {
                    h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenant).execute();
                }
            }
            try {
                h.execute(sql("floor_drop"));
            } catch (RuntimeException e) {
                // not created (the run failed before the floor)
            }
        });
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void progress(String line) {
        log.println("bench: " + line);
        log.flush();
    }

    private static String sql(String name) {
        try (InputStream in = DbBench.class.getResourceAsStream(name + ".sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
