package dev.syncmat.examples.bench;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.examples.http.ServiceOptions;
import dev.syncmat.examples.http.SyncHttpService;
import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live-pull wake-up latency over loopback HTTP: W pulls of one tenant wait in the example service
 * ({@code waitMs} 30 s, all up to date), then one push commits through the service; each waiting
 * pull's latency runs from just after the push's response reaches the client to the moment that
 * pull's whole response has. One warm-up round (not measured), then R measured rounds; the
 * percentiles are over every waiter of every measured round. The client is one thread with one
 * non-blocking socket per pull, so that what is measured is the service, not a client library.
 * The tenant is removed at the end.
 */
public final class LiveWakeBench {
    /** Connections the store's pool needs: the service's store threads and the live pulls' three. */
    public static final int POOL = 8;
    private static final int STORE_THREADS = 4;
    private static final int FIRST_PAGES_AT_ONCE = 2;
    private static final long WAIT_MS = 30_000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
    private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final DataSource dataSource;
    private final SyncStore store;
    private final int waiters;
    private final int rounds;
    private final PrintWriter log;

    /** The figures: wake-up latency percentiles in milliseconds, and what was measured. */
    public record Result(int waiters, int rounds, double p50Ms, double p99Ms, double maxMs) {
        /** The fields to add to the bench JSON line, without braces. */
        public String jsonFields() {
            return String.format(Locale.ROOT, "\"liveWakeP50Ms\":%.3f,\"liveWakeP99Ms\":%.3f,\"liveWakeMaxMs\":%.3f,"
                    + "\"liveWaiters\":%d,\"liveRounds\":%d", p50Ms, p99Ms, maxMs, waiters, rounds);
        }
    }

    /**
     * @param dataSource the store's database, to delete the tenant at the end
     * @param store      a store whose pool has at least {@link #POOL} connections
     * @param waiters    W: pulls waiting at once in each round
     * @param rounds     R: measured rounds
     * @param log        progress lines
     */
    public LiveWakeBench(DataSource dataSource, SyncStore store, int waiters, int rounds, PrintWriter log) {
        this.dataSource = dataSource;
        this.store = store;
        this.waiters = waiters;
        this.rounds = rounds;
        this.log = log;
    }

    /** Runs the rounds; the service is stopped and the tenant deleted, also on failure. */
    public Result run() throws IOException, InterruptedException {
        String tenant = "bench-live-" + UUID.randomUUID().toString().substring(0, 8);
        String token = "bench-live-token";
        ServiceOptions options = ServiceOptions.builder().threads(STORE_THREADS).tenantConcurrency(STORE_THREADS - 1)
                .maxConnections(waiters + 64).idleTimeout(Duration.ofSeconds(60)).build();
        try (SyncHttpService service = SyncHttpService.start(store, Map.of(token, tenant), options)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), service.port());
            progress("live: warm-up round of " + waiters + " waiting pulls");
            round(address, token, waiters, 0);
            double[] all = new double[waiters * rounds];
            for (int r = 0; r < rounds; r++) {
                double[] ms = round(address, token, waiters, r + 1);
                System.arraycopy(ms, 0, all, r * waiters, waiters);
                Arrays.sort(ms);
                progress(String.format(Locale.ROOT, "live: round %d: %d waiting pulls woken, p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                        r + 1, waiters, percentile(ms, 50), percentile(ms, 99), ms[ms.length - 1]));
            }
            Arrays.sort(all);
            return new Result(waiters, rounds, percentile(all, 50), percentile(all, 99), all[all.length - 1]);
        } finally {
            Jdbi.create(dataSource).useHandle(h -> {
                for (String table : List.of("sync_journal", "sync_objects", "sync_object_tags", "sync_conflicts", "sync_tenants")) {
                    h.createUpdate("DELETE FROM " + table + " WHERE tenant_id = :t").bind("t", tenant).execute();
                }
            });
        }
    }

    // One round: W pulls waiting on the head, one push, the latency of each answer after the push's.
    private double[] round(InetSocketAddress address, String token, int n, int round) throws IOException, InterruptedException {
        String cursor = SyncJson.parseTree(exchange(address, request(token, "pull", "{}")), "pull").get("serverCursor").textValue();
        byte[] pull = request(token, "pull", "{\"sinceCursor\":\"" + cursor + "\",\"waitMs\":" + WAIT_MS + "}");
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int base = store.livePulls().waiting();
        try (Selector selector = Selector.open()) {
            Pull[] pulls = new Pull[n];
            for (int i = 0; i < n; i++) {
                // Few first pages at once: each is read under one of the tenant's permits.
                while (i - (store.livePulls().waiting() - base) >= FIRST_PAGES_AT_ONCE) {
                    check(deadline, "pulls to start waiting");
                    readReady(selector, 1, pulls, pull, address, false);
                }
                pulls[i] = new Pull(i);
                pulls[i].open(selector, address, pull);
            }
            while (store.livePulls().waiting() - base < n) {
                check(deadline, "pulls to start waiting");
                readReady(selector, 1, pulls, pull, address, false);
            }
            String op = "live-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
            String pushed = exchange(address, request(token, "push", "{\"ops\":[{\"opId\":\"" + op + "\",\"objectId\":\"" + op
                    + "\",\"objectType\":\"note\",\"kind\":\"update\",\"clock\":{\"bench\":1},\"payload\":{\"n\":1}}]}"));
            long committed = System.nanoTime();
            if (!pushed.contains("\"serverCursor\"")) {
                throw new IllegalStateException("the push failed: " + pushed);
            }
            int done = 0;
            while (done < n) {
                check(deadline, "woken pulls to be answered");
                done += readReady(selector, 100, pulls, pull, address, true);
            }
            double[] ms = new double[n];
            for (Pull p : pulls) {
                if (p.status != 200 || !p.body.contains(op)) {
                    throw new IllegalStateException("a woken pull answered " + p.status + " without the push: " + p.body);
                }
                ms[p.index] = Math.max(0, p.answered - committed) / 1e6;
            }
            return ms;
        }
    }

    /**
     * Reads what has arrived; returns how many pulls it answered. Before the push a pull answered
     * 503 (the tenant's permits were all taken) or empty (its wait ended before the others were
     * waiting, on a slow machine) is sent again, as a client would; any other early answer is an
     * error.
     */
    private static int readReady(Selector selector, long millis, Pull[] pulls, byte[] request, InetSocketAddress address,
                                 boolean pushed) throws IOException {
        selector.select(millis);
        int answered = 0;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            Pull p = (Pull) key.attachment();
            if (p.read(buffer)) {
                key.cancel();
                p.channel.close();
                if (!pushed) {
                    if (p.status != 503 && !(p.status == 200 && p.body.contains("\"objects\":[],"))) {
                        throw new IllegalStateException("a pull was answered before the push: " + p.status + " " + p.body);
                    }
                    pulls[p.index] = new Pull(p.index);
                    pulls[p.index].open(selector, address, request);
                } else {
                    answered++;
                }
            }
        }
        return answered;
    }

    private static byte[] request(String token, String route, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/sync/v2/" + route + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    // One blocking request on its own connection; the body of its answer.
    private static String exchange(InetSocketAddress address, byte[] request) throws IOException {
        try (SocketChannel c = SocketChannel.open(address)) {
            c.write(ByteBuffer.wrap(request));
            Pull p = new Pull(0);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            p.channel = c;
            while (!p.read(buffer)) {
                // blocking reads until the answer is whole
            }
            return p.body;
        }
    }

    private static void check(long deadline, String what) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("gave up waiting for " + what);
        }
    }

    static double percentile(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private void progress(String line) {
        log.println(line);
        log.flush();
    }

    /** One pull on its own connection, and its answer as it arrives. */
    private static final class Pull {
        final int index;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        SocketChannel channel;
        int status;
        String body;
        long answered;

        Pull(int index) {
            this.index = index;
        }

        void open(Selector selector, InetSocketAddress address, byte[] request) throws IOException {
            channel = SocketChannel.open(address);
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        /** Reads what is there; true once the answer is whole (by its Content-Length, else at the end of the stream). */
        boolean read(ByteBuffer buffer) throws IOException {
            buffer.clear();
            int n = channel.read(buffer);
            if (n > 0) {
                received.write(buffer.array(), 0, n);
            }
            String text = received.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            boolean whole = n < 0;
            if (end >= 0) {
                Matcher length = LENGTH.matcher(text.substring(0, end));
                if (length.find() && received.size() >= end + 4 + Integer.parseInt(length.group(1))) {
                    whole = true;
                }
            }
            if (!whole) {
                return false;
            }
            answered = System.nanoTime();
            Matcher s = STATUS.matcher(text);
            status = s.find() ? Integer.parseInt(s.group(1)) : 0;
            body = end >= 0 ? text.substring(end + 4) : text;
            return true;
        }
    }
}
