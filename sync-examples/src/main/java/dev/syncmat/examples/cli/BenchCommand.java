package dev.syncmat.examples.cli;

import dev.syncmat.examples.bench.DbBench;
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

    @Override
    public Integer call() throws Exception {
        int s = objects != null ? objects : quick ? 1_000 : 10_000;
        if (db.url.startsWith("jdbc:postgresql:") && !db.url.contains("reWriteBatchedInserts")) {
            // The store writes in JDBC batches; this driver option turns them into multi-row inserts.
            db.url += (db.url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        try (DbOptions.Opened opened = db.open(2)) {
            DbBench.Result result = new DbBench(opened.dataSource(), opened.store(), s, spec.commandLine().getErr()).run();
            spec.commandLine().getOut().println(result.toJson());
        }
        return 0;
    }
}
