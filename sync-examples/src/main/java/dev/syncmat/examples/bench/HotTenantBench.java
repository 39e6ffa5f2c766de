package dev.syncmat.examples.bench;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot-tenant benchmark: {@value #CLIENTS} clients push {@value #SMALL_BATCH}-op batches to one
 * tenant at once, against one client pushing the same number of ops in {@value #LARGE_BATCH}-op
 * batches to another tenant, in the same run. Through the store ({@link #run()}), where concurrent
 * pushes of the tenant meet in group commit, or over HTTP against a running example service
 * ({@link #runHttp}), where a push answered 503 (tenant busy, retryable) is sent again. The ops
 * come from {@link BenchWorkload}; the clients take the batches in order from a shared counter,
 * so the order in which they arrive is the scheduler's. Everything written is removed at the end
 * (store mode; over HTTP the tenant's rows stay).
 */
public final class HotTenantBench {
    /** Concurrent clients of the hot tenant. */
    public static final int CLIENTS = 32;
    static final int SMALL_BATCH = 5;
    static final int LARGE_BATCH = 500;
    static final int WARMUP_OPS = 5_000;

    private final PrintWriter log;
    private final int ops;

    /** The measured figures. */
    public record Result(double hotTenantOpsPerSec, double batchedOpsPerSec, double p50Ms, double p99Ms, long retries) {
        /** Hot-tenant throughput over batched throughput. */
        public double hotTenantRatio() {
            return hotTenantOpsPerSec / batchedOpsPerSec;
        }

        /** The fields this benchmark adds to the bench JSON line, each with a leading comma. */
        public String jsonFields() {
            return String.format(Locale.ROOT, ",\"hotTenantOpsPerSec\":%.0f,\"batchedOpsPerSec\":%.0f,\"hotTenantRatio\":%.3f,"
                    + "\"hotTenantPushP50Ms\":%.3f,\"hotTenantPushP99Ms\":%.3f,\"hotTenantRetries\":%d",
                    hotTenantOpsPerSec, batchedOpsPerSec, hotTenantRatio(), p50Ms, p99Ms, retries);
        }
    }

    /** The figures of a run over HTTP (no batched side). */
    public record HttpResult(double opsPerSec, long pushes, double p50Ms, double p99Ms, long retries) {
        /** One JSON line. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"httpClients\":%d,\"httpBatchOps\":%d,\"httpHotTenantOpsPerSec\":%.0f,"
                    + "\"httpPushes\":%d,\"httpPushP50Ms\":%.3f,\"httpPushP99Ms\":%.3f,\"httpRetries\":%d}",
                    CLIENTS, SMALL_BATCH, opsPerSec, pushes, p50Ms, p99Ms, retries);
        }
    }

    /**
     * @param ops ops pushed by each side (rounded up to whole large batches)
     * @param log progress lines (stderr in the CLI)
     */
    public HotTenantBench(int ops, PrintWriter log) {
        this.ops = (ops + LARGE_BATCH - 1) / LARGE_BATCH * LARGE_BATCH;
        this.log = log;
    }

    /** How one client sends one batch; true when it must be sent again (a retryable refusal). */
    @FunctionalInterface
    private interface Pusher {
        boolean push(List<Op> batch) throws Exception;
    }

    /** Through the store, on the tenants it creates and removes again. */
    public Result run(SyncStore store, DataSource dataSource) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String hot = "bench-" + run + "-hot";
        String batched = "bench-" + run + "-batched";
        String warmup = "bench-" + run + "-hot-warmup";
        try {
            progress("warming up with " + WARMUP_OPS + " ops in " + SMALL_BATCH + "-op pushes from " + CLIENTS + " clients");
            concurrent(BenchWorkload.generate(44, WARMUP_OPS, "warm-"), storePusher(store, warmup));
            progress("batched: one client pushes " + ops + " ops in " + LARGE_BATCH + "-op batches");
            List<Op> workload = BenchWorkload.generate(45, ops, "obj-");
            long t0 = System.nanoTime();
            for (int i = 0; i < workload.size(); i += LARGE_BATCH) {
                store.push(batched, workload.subList(i, Math.min(workload.size(), i + LARGE_BATCH)));
            }
            double batchedOps = workload.size() / seconds(t0);
            progress(String.format(Locale.ROOT, "batched: %.0f ops/s", batchedOps));
            progress("hot tenant: " + CLIENTS + " clients push " + ops + " ops in " + SMALL_BATCH + "-op batches to one tenant");
            Measured m = concurrent(workload, storePusher(store, hot));
            progress(String.format(Locale.ROOT, "hot tenant: %.0f ops/s, push p50 %.3f ms, p99 %.3f ms, %d retries",
                    m.opsPerSec, m.p50Ms, m.p99Ms, m.retries));
            return new Result(m.opsPerSec, batchedOps, m.p50Ms, m.p99Ms, m.retries);
        } finally {
            progress("cleaning up");
            Jdbi.create(dataSource).useHandle(h -> {
                for (String tenant : List.of(hot, batched, warmup)) {
                    for (String table : List.of("sync_journal", "sync_objects", "sync_object_tags", "sync_conflicts",
                            "sync_scope_exits", "sync_tenants")) {
                        h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenant).execute();
                    }
                }
            });
        }
    }

    private static Pusher storePusher(SyncStore store, String tenant) {
        return batch -> {
            try {
                store.push(tenant, batch);
                return false;
            } catch (StoreException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                return true;
            }
        };
    }

    /**
     * Over HTTP against a running example service: {@code pushUrl} is the push endpoint of a tenant
     * (e.g. {@code http://127.0.0.1:8080/api/sync/v2/push}) and {@code token} a bearer token of it. The
     * tenant should hold no ops with the benchmark's op ids (use a new tenant per run).
     */
    public HttpResult runHttp(URI pushUrl, String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String prefix = UUID.randomUUID().toString().substring(0, 8) + "-";
        SyncJson json = SyncJson.create();
        Pusher pusher = batch -> {
            StringBuilder body = new StringBuilder("{\"ops\":[");
            for (int i = 0; i < batch.size(); i++) {
                body.append(i == 0 ? "" : ",").append(json.writeOp(batch.get(i)));
            }
            body.append("]}");
            HttpRequest request = HttpRequest.newBuilder(pushUrl).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 503) {
                return true;
            }
            if (response.statusCode() != 200) {
                throw new IOException("push failed with " + response.statusCode() + ": " + response.body());
            }
            return false;
        };
        progress("warming up with " + WARMUP_OPS + " ops");
        concurrent(prefixed(BenchWorkload.generate(44, WARMUP_OPS, "warm-"), prefix + "warm-"), pusher);
        progress("http hot tenant: " + CLIENTS + " clients push " + ops + " ops in " + SMALL_BATCH + "-op batches");
        Measured m = concurrent(prefixed(BenchWorkload.generate(45, ops, "obj-"), prefix), pusher);
        progress(String.format(Locale.ROOT, "http hot tenant: %.0f ops/s, push p50 %.3f ms, p99 %.3f ms, %d retries",
                m.opsPerSec, m.p50Ms, m.p99Ms, m.retries));
        return new HttpResult(m.opsPerSec, ops / SMALL_BATCH, m.p50Ms, m.p99Ms, m.retries);
    }

    /** The ops with {@code prefix} before every op and object id, so that runs on one tenant do not collide. */
    private static List<Op> prefixed(List<Op> ops, String prefix) {
        List<Op> renamed = new ArrayList<>(ops.size());
        for (Op op : ops) {
            renamed.add(op.toBuilder().opId(prefix + op.opId()).objectId(prefix + op.objectId()).build());
        }
        return renamed;
    }

    private record Measured(double opsPerSec, double p50Ms, double p99Ms, long retries) {
    }

    /** {@value #CLIENTS} clients take the small batches of {@code workload} in turn until none is left. */
    private Measured concurrent(List<Op> workload, Pusher pusher) throws Exception {
        int batches = (workload.size() + SMALL_BATCH - 1) / SMALL_BATCH;
        AtomicInteger next = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        long[] nanos = new long[batches];
        CyclicBarrier start = new CyclicBarrier(CLIENTS + 1);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    start.await();
                    for (int b; (b = next.getAndIncrement()) < batches; ) {
                        List<Op> batch = workload.subList(b * SMALL_BATCH, Math.min(workload.size(), (b + 1) * SMALL_BATCH));
                        long t0 = System.nanoTime();
                        for (int attempt = 1; pusher.push(batch); attempt++) {
                            retries.incrementAndGet();
                            if (attempt == 1000) {
                                throw new IllegalStateException("a push was refused 1,000 times");
                            }
                            Thread.sleep(1);
                        }
                        nanos[b] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            start.await(60, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            for (Future<?> f : clients) {
                f.get(30, TimeUnit.MINUTES);
            }
            double elapsed = seconds(t0);
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Measured(workload.size() / elapsed, sorted[batches / 2] / 1e6,
                    sorted[Math.min(batches - 1, (int) Math.ceil(batches * 0.99) - 1)] / 1e6, retries.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void progress(String line) {
        log.println("bench: " + line);
        log.flush();
    }
}
