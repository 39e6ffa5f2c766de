package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The live pulls of one store: pulls that found nothing new in their scope and wait, holding no
 * thread and no connection, until a push of their tenant commits or their deadline passes
 * ({@link SyncStore#pullAsync}). Obtain it from {@link SyncStore#livePulls()} to watch it.
 *
 * <p>How a wait ends. The store hears of commits through its change feed: on PostgreSQL one
 * {@code LISTEN} connection and one thread per store, woken by the {@code pg_notify} each push
 * sends in its transaction (so a push from any process is heard); on H2 an in-process signal after
 * the commit. A commit of tenant T runs the pulls waiting on T again, on the store's live threads:
 * waiting pulls with the same request (cursor, scope, limit, heads) share one query, and commits
 * that arrive while a tenant's pulls are being run again cause one more run, not one each. A run
 * that finds something answers the pulls; one that finds nothing in their scope keeps them
 * waiting, from its newer cursor. At its deadline a pull is answered with the last empty page read
 * for it (no query). While the feed is down, and once right after it is back, every waiting pull
 * is run again every {@link StoreOptions#livePollInterval()}, so no pull waits for a wake-up that
 * cannot come.
 *
 * <p>Bounds: at most {@link StoreOptions#maxLiveWaiters()} pulls waiting or reading their first
 * page; two daemon threads ({@code syncmat-live-N}) for deadlines and runs, started with the first
 * live pull, plus the feed's. Thread-safe.
 */
public final class LivePulls {
    private static final Logger LOG = LoggerFactory.getLogger(LivePulls.class);
    private static final int THREADS = 2;

    /** A plain pull, answered at once. */
    @FunctionalInterface
    interface Puller {
        PullResponse pull(String tenant, PullRequest request);
    }

    private final Puller puller;
    private final Supplier<ChangeFeed> feeds;
    private final StoreOptions options;
    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final Map<String, TenantWaiters> tenants = new HashMap<>();
    private int users;
    private int waiting;
    private ChangeFeed feed;
    private ScheduledThreadPoolExecutor threads;
    private ScheduledFuture<?> polling;
    private boolean closed;

    LivePulls(Puller puller, Supplier<ChangeFeed> feeds, StoreOptions options) {
        this.puller = puller;
        this.feeds = feeds;
        this.options = options;
    }

    /** Live pulls waiting for a change now (not those reading their first page). */
    public int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }

    /** The bound on live pulls waiting or reading their first page ({@link StoreOptions#maxLiveWaiters()}). */
    public int maxWaiters() {
        return options.maxLiveWaiters();
    }

    /**
     * Whether the store hears of commits right now: false before the first live pull, and while the
     * PostgreSQL {@code LISTEN} connection is being opened or is lost (waiting pulls then poll).
     */
    public boolean listening() {
        ChangeFeed f;
        synchronized (lock) {
            f = feed;
        }
        return f != null && f.live();
    }

    /** The request's page, now if it has anything or cannot wait, else when a change or the deadline comes. */
    CompletableFuture<PullResponse> pull(String tenant, PullRequest request) {
        if (!request.waits()) {
            return CompletableFuture.completedFuture(puller.pull(tenant, request));
        }
        long waitMillis = Math.min(request.waitMs(), options.maxPullWait().toMillis());
        start();
        TenantWaiters tw;
        long seen;
        synchronized (lock) {
            if (users >= options.maxLiveWaiters()) {
                throw new TooManyWaitersException(options.maxLiveWaiters());
            }
            users++;
            tw = tenants.computeIfAbsent(tenant, TenantWaiters::new);
            tw.users++;
            seen = tw.commits;
        }
        PullResponse first;
        try {
            first = puller.pull(tenant, request);
        } catch (RuntimeException | Error e) {
            leave(tw, null, null);
            throw e;
        }
        if (!isEmpty(first)) {
            leave(tw, null, null);
            return CompletableFuture.completedFuture(first);
        }
        CompletableFuture<PullResponse> future = new CompletableFuture<>();
        Waiter w = new Waiter(future);
        Group g;
        synchronized (lock) {
            if (closed) {
                users--;
                tw.users--;
                return CompletableFuture.completedFuture(first);
            }
            PullRequest key = key(request);
            g = tw.groups.computeIfAbsent(key, k -> new Group(key, first));
            g.waiters.add(w);
            waiting++;
            if (tw.commits != seen) {
                // A commit was heard while the first page was read, which may not have seen it.
                schedule(tw);
            }
            w.deadline = threads.schedule(() -> expire(g, w), waitMillis, TimeUnit.MILLISECONDS);
        }
        Group group = g;
        future.whenComplete((r, t) -> leave(tw, group, w));
        return future;
    }

    private static PullRequest key(PullRequest r) {
        return new PullRequest(r.sinceCursor(), r.scope(), r.limit(), r.includeHeads(), null);
    }

    /** Whether a page has nothing for the client: no object, no removal, nothing more waiting. */
    static boolean isEmpty(PullResponse page) {
        return page.objects().isEmpty() && page.removed().isEmpty() && !page.hasMore();
    }

    // The threads and the feed, on the first live pull; the feed may connect, so not under the lock.
    private void start() {
        synchronized (lock) {
            if (closed) {
                throw new StoreException("the store's live pulls are closed", null, false, null);
            }
            if (threads != null) {
                return;
            }
        }
        ChangeFeed f = feeds.get();
        synchronized (lock) {
            if (threads != null || closed) {
                // Another pull started them first (this feed holds nothing until started), or a close came.
                if (closed) {
                    throw new StoreException("the store's live pulls are closed", null, false, null);
                }
                return;
            }
            AtomicInteger n = new AtomicInteger();
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(THREADS, r -> {
                Thread thread = new Thread(r, "syncmat-live-" + n.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
            threads = t;
            feed = f;
            f.start(new ChangeFeed.Listener() {
                @Override
                public void committed(String tenant) {
                    LivePulls.this.committed(tenant);
                }

                @Override
                public void lost() {
                    poll();
                }

                @Override
                public void restored() {
                    LivePulls.this.restored();
                }
            });
            if (!f.live()) {
                poll();
            }
        }
    }

    private void committed(String tenant) {
        synchronized (lock) {
            TenantWaiters tw = tenants.get(tenant);
            if (tw != null) {
                tw.commits++;
                if (!tw.groups.isEmpty()) {
                    schedule(tw);
                }
            }
        }
    }

    // Commits may go unheard: run every waiting pull again now and then, until the feed is back.
    private void poll() {
        synchronized (lock) {
            if (polling == null && !closed) {
                long every = options.livePollInterval().toMillis();
                polling = threads.scheduleWithFixedDelay(this::runAll, 0, every, TimeUnit.MILLISECONDS);
            }
        }
    }

    // Heard again: stop polling, and run every waiting pull once for what committed in between.
    private void restored() {
        synchronized (lock) {
            if (polling != null) {
                polling.cancel(false);
                polling = null;
            }
        }
        runAll();
    }

    private void runAll() {
        synchronized (lock) {
            for (TenantWaiters tw : tenants.values()) {
                if (!tw.groups.isEmpty()) {
                    schedule(tw);
                }
            }
        }
    }

    // Under lock: one run of the tenant's waiting pulls queued, and never two at once.
    private void schedule(TenantWaiters tw) {
        if (tw.queued || closed) {
            return;
        }
        tw.queued = true;
        if (!tw.running) {
            threads.execute(() -> run(tw));
        }
    }

    private void run(TenantWaiters tw) {
        List<Group> groups;
        synchronized (lock) {
            tw.queued = false;
            tw.running = true;
            groups = new ArrayList<>(tw.groups.values());
        }
        try {
            for (Group g : groups) {
                runGroup(tw.tenant, g);
            }
        } finally {
            synchronized (lock) {
                tw.running = false;
                if (tw.queued && !closed) {
                    threads.execute(() -> run(tw));
                }
            }
        }
    }

    private void runGroup(String tenant, Group g) {
        PullRequest request;
        synchronized (lock) {
            if (g.waiters.isEmpty()) {
                return;
            }
            request = g.current;
        }
        PullResponse page;
        try {
            page = puller.pull(tenant, request);
        } catch (RuntimeException e) {
            LOG.debug("live pulls: running waiting pulls of tenant \"{}\" again failed: {}", tenant, e.toString());
            for (Waiter w : answer(g)) {
                w.future.completeExceptionally(e);
            }
            return;
        }
        List<Waiter> done;
        synchronized (lock) {
            if (isEmpty(page)) {
                // Nothing in the scope (the commit was elsewhere): wait on, from the newer cursor.
                g.current = request.withCursor(page.serverCursor());
                g.latest = page;
                return;
            }
            done = new ArrayList<>(g.waiters);
        }
        for (Waiter w : done) {
            w.future.complete(page);
        }
    }

    private List<Waiter> answer(Group g) {
        synchronized (lock) {
            return new ArrayList<>(g.waiters);
        }
    }

    private void expire(Group g, Waiter w) {
        PullResponse last;
        synchronized (lock) {
            last = g.latest;
        }
        w.future.complete(last);
    }

    // A pull is done with (answered, failed or cancelled): give back its place.
    private void leave(TenantWaiters tw, Group g, Waiter w) {
        synchronized (lock) {
            if (w != null) {
                if (!g.waiters.remove(w)) {
                    return;
                }
                waiting--;
                if (w.deadline != null) {
                    w.deadline.cancel(false);
                }
                if (g.waiters.isEmpty() && tw.groups.get(g.key) == g) {
                    tw.groups.remove(g.key);
                }
            }
            users--;
            tw.users--;
            if (tw.users == 0 && tenants.get(tw.tenant) == tw) {
                tenants.remove(tw.tenant);
            }
        }
    }

    /**
     * Stops: every waiting pull is answered with its last empty page, as at its deadline, and the
     * feed and the threads stop. Later live pulls fail. Idempotent.
     */
    void close() {
        List<Waiter> waiters = new ArrayList<>();
        List<PullResponse> pages = new ArrayList<>();
        ChangeFeed f;
        ScheduledThreadPoolExecutor t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (TenantWaiters tw : tenants.values()) {
                for (Group g : tw.groups.values()) {
                    for (Waiter w : g.waiters) {
                        waiters.add(w);
                        pages.add(g.latest);
                    }
                }
            }
            f = feed;
            t = threads;
        }
        for (int i = 0; i < waiters.size(); i++) {
            waiters.get(i).future.complete(pages.get(i));
        }
        if (f != null) {
            f.close();
        }
        if (t != null) {
            t.shutdownNow();
        }
    }

    /** The waiting pulls of one tenant. Guarded by the lock. */
    private static final class TenantWaiters {
        final String tenant;
        final Map<PullRequest, Group> groups = new LinkedHashMap<>();
        /** Pulls waiting or reading their first page. */
        int users;
        /** Commits heard since this entry was made. */
        long commits;
        boolean queued;
        boolean running;

        TenantWaiters(String tenant) {
            this.tenant = tenant;
        }
    }

    /** Waiting pulls with the same request, answered by one query. Guarded by the lock. */
    private static final class Group {
        final PullRequest key;
        final Set<Waiter> waiters = new LinkedHashSet<>();
        /** The request to run again: the key's, from the newest cursor read for it. */
        PullRequest current;
        /** The last empty page read for it: the answer at a deadline. */
        PullResponse latest;

        Group(PullRequest key, PullResponse first) {
            this.key = key;
            this.current = key.withCursor(first.serverCursor());
            this.latest = first;
        }
    }

    private static final class Waiter {
        final CompletableFuture<PullResponse> future;
        ScheduledFuture<?> deadline;

        Waiter(CompletableFuture<PullResponse> future) {
            this.future = future;
        }
    }
}
