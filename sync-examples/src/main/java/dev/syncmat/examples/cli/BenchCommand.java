package dev.syncmat.examples.cli;

import dev.syncmat.examples.bench.DbBench;
import dev.syncmat.examples.bench.HeadsBench;
import dev.syncmat.examples.bench.HotTenantBench;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.SyncStoreBuilder;
import dev.syncmat.examples.bench.LiveWakeBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.util.concurrent.Callable;

/**
 * {@code bench --db URL [--quick] [--live-waiters W] [--no-live]}: the database-path benchmark, then
 * the live-pull wake-up latency through the example service. Progress on stderr, one JSON line of
 * results on stdout. Everything it creates is removed at the end.
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

    @Option(names = "--no-group-commit",
            description = "Build the store with group commit off (every push its own transaction), to compare.")
    boolean noGroupCommit;

    @Option(names = "--http", paramLabel = "PUSH_URL",
            description = "Instead: " + HotTenantBench.CLIENTS + " clients push 5-op batches to one tenant of a running "
                    + "example service at PUSH_URL (e.g. http://127.0.0.1:8080/api/sync/v2/push), with --token.")
    URI http;

    @Option(names = "--token", paramLabel = "TOKEN", description = "With --http: a bearer token of the tenant.")
    String token;

    @Option(names = "--hot-ops", paramLabel = "N",
            description = "Ops each side of the hot-tenant measurement pushes (default 25,000; 10,000 with --quick).")
    Integer hotOps;

    @Option(names = "--live-waiters", paramLabel = "W",
            description = "Live pulls waiting at once in each round of the wake-up benchmark (default 1000).")
    int liveWaiters = 1000;

    @Option(names = "--no-live", description = "Skip the live-pull wake-up benchmark (liveWake* fields).")
    boolean noLive;

    @Option(names = "--live-only", description = "Only the live-pull wake-up benchmark.")
    boolean liveOnly;

    @Override
    public Integer call() throws Exception {
        int hot = hotOps != null ? hotOps : quick ? 10_000 : 25_000;
        if (http != null) {
            if (token == null) {
                throw new UsageException("--http needs --token");
            }
            spec.commandLine().getOut().println(new HotTenantBench(hot, spec.commandLine().getErr()).runHttp(http, token).toJson());
            return 0;
        }
        if (heads != null && (heads < 2 || pushes < 1)) {
            throw new UsageException(heads < 2 ? "--heads must be at least 2" : "--pushes must be at least 1");
        }
        int s = objects != null ? objects : quick ? 1_000 : 10_000;
        if (db.url.startsWith("jdbc:postgresql:") && !db.url.contains("reWriteBatchedInserts")) {
            // The store writes in JDBC batches; this driver option turns them into multi-row inserts.
            db.url += (db.url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        // One connection per hot-tenant client (pushes without group commit each hold one), and one spare.
        try (DbOptions.Opened opened = db.open(HotTenantBench.CLIENTS + 1)) {
            SyncStore store = opened.store();
            if (noGroupCommit) {
                SyncStoreBuilder builder = SyncStore.builder(opened.jdbi()).groupCommit(1, 1);
                if (db.schema != null) {
                    builder.schema(db.schema);
                }
                if (db.policy != null) {
                    builder.mergePolicy(PolicyOption.parse(db.policy));
                }
                store = builder.build();
            }
            if (heads != null) {
                HeadsBench.Result result = new HeadsBench(opened.dataSource(), store, heads, pushes,
                        spec.commandLine().getErr()).run();
                spec.commandLine().getOut().println(result.toJson());
                return 0;
            }
            String json;
            if (liveOnly) {
                json = "{}";
            } else {
                json = new DbBench(opened.dataSource(), store, s, spec.commandLine().getErr()).run().toJson();
                HotTenantBench.Result hotResult = new HotTenantBench(hot, spec.commandLine().getErr()).run(store, opened.dataSource());
                // The hot-tenant fields go at the end of the same line.
                json = json.substring(0, json.length() - 1) + hotResult.jsonFields() + "}";
            }
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
