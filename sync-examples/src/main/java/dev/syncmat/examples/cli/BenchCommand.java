package dev.syncmat.examples.cli;

import dev.syncmat.examples.bench.DbBench;
import dev.syncmat.examples.bench.HeadsBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code bench --db URL [--quick]}: the database-path benchmark. Progress on stderr, one JSON line
 * of results on stdout. Everything it creates is removed at the end.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.USAGE, SyncCli.FAILURE},
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
            DbBench.Result result = new DbBench(opened.dataSource(), opened.store(), s, spec.commandLine().getErr()).run();
            spec.commandLine().getOut().println(result.toJson());
        }
        return 0;
    }
}
