package dev.syncmat.examples.cli;

import dev.syncmat.examples.bench.DbBench;
import dev.syncmat.examples.bench.HeadsBench;
import dev.syncmat.examples.bench.LiveWakeBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code bench --db URL [--quick] [--live-waiters W] [--no-live]}: the database-path benchmark, then
 * the live-pull wake-up latency through the example service. Progress on stderr, one JSON line of
 * results on stdout. Everything it creates is removed at the end.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark push, pull and replay on a database against a raw JDBC insert floor; prints one JSON line.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--quick", description = "S = 1,000 objects (125,000 ops) instead of 10,000 (1,250,000 ops).")
    boolean quick;

    @Option(names = "--objects", paramLabel = "S", description = "Objects of the small tenant (overrides --quick).")
    Integer objects;

    @Option(names = "--heads", paramLabel = "H",
            description = "Instead: one-op pushes to an object with H concurrent heads against pushes to an object with one head.")
    Integer heads;

    @Option(names = "--pushes", paramLabel = "N", description = "With --heads: pushes measured of each kind (default 500).")
    int pushes = 500;

    @Option(names = "--live-waiters", paramLabel = "W",
            description = "Live pulls waiting at once in each round of the wake-up benchmark (default 1000).")
    int liveWaiters = 1000;

    @Option(names = "--no-live", description = "Skip the live-pull wake-up benchmark (liveWake* fields).")
    boolean noLive;

    @Option(names = "--live-only", description = "Only the live-pull wake-up benchmark.")
    boolean liveOnly;

    @Override
    public Integer call() throws Exception {
        if (heads != null && (heads < 2 || pushes < 1)) {
            throw new UsageException(heads < 2 ? "--heads must be at least 2" : "--pushes must be at least 1");
        }
        int s = objects != null ? objects : quick ? 1_000 : 10_000;
        if (db.url.startsWith("jdbc:postgresql:") && !db.url.contains("reWriteBatchedInserts")) {
            // The store writes in JDBC batches; this driver option turns them into multi-row inserts.
            db.url += (db.url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        try (DbOptions.Opened opened = db.open(2)) {
            if (heads != null) {
                HeadsBench.Result result = new HeadsBench(opened.dataSource(), opened.store(), heads, pushes,
                        spec.commandLine().getErr()).run();
                spec.commandLine().getOut().println(result.toJson());
                return 0;
            }
            String json = liveOnly ? "{}"
                    : new DbBench(opened.dataSource(), opened.store(), s, spec.commandLine().getErr()).run().toJson();
            if (!noLive) {
                // Live-pull wake-ups through the example service, on a store and pool of their own.
                try (DbOptions.Opened live = db.open(LiveWakeBench.POOL, DbOptions.Tables.IGNORE)) {
                    LiveWakeBench.Result wake = new LiveWakeBench(live.dataSource(), live.store(), liveWaiters,
                            quick ? 2 : 5, spec.commandLine().getErr()).run();
                    json = json.substring(0, json.length() - 1) + (liveOnly ? "" : ",") + wake.jsonFields() + "}";
                }
            }
            spec.commandLine().getOut().println(json);
        }
        return 0;
    }
}
