package dev.syncmat.examples.bench;

import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.ClockOrder;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.jdbi.SyncStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A load driver for the database path: several writers push ops on a few hot objects of one
 * tenant while followers pull by cursor, and everything that happened is recorded so that it can
 * be checked afterwards ({@link #check(Result)}).
 *
 * <p>Each writer is an actor of its own and behaves like an offline-capable client (compare
 * {@code SyncClient} in the demo, which does the same over HTTP): before most pushes it pulls what
 * changed since its cursor, and it builds each op's clock from the object's context as last pulled
 * merged with its own earlier clock on that object, then increments its actor. Writers that did not
 * see each other's latest ops therefore write concurrent ops that merge, and pushes of one tenant
 * contend for its counter row. The writers start together: each pulls the (empty) tenant first, and
 * none pushes before every one has, so no first batch was built on another writer's ops and two
 * first batches that share an object merge there, however the threads happen to be scheduled. A
 * push that fails with a retryable {@link StoreException} is sent again with the same ops, after a
 * short random pause, until it succeeds or {@link Settings#maxAttempts()} is reached; a
 * non-retryable failure or running out of attempts stops the writer and is recorded as a
 * {@link Failure}.
 *
 * <p>Followers pull by cursor into maps of their own until every writer has finished, then make
 * one more pass that started after the last push returned, so their maps must equal a full pull.
 * On the way they record anomalies: an object twice in one page, an object whose context went
 * back. After every pass that ends up to date (the writers' too), the puller's map must cover
 * every op whose push had returned before the pass began; an object whose context does not is a
 * skipped change, even when a later change of the object would have hidden it from the final
 * comparison. Writers record anomalies in push results: results that do not list the batch's ops,
 * a first attempt that reported an op as {@code duplicate} (every op is new), a retry that found
 * only part of its batch stored.
 *
 * <p>The tenant must be empty when the run starts: the driver's model of the expected state (every
 * pushed op merged by the store's {@link MergeEngine}, in constant memory) starts from nothing.
 * A driver runs once; call {@link #run()} from one thread; {@link #progress()} may be read from any
 * thread while it runs. Not a benchmark: nothing is timed except the run's own length.
 */
public final class LoadDriver {
    private static final List<String> TAGS = List.of("inbox", "work", "stra\u00dfe");
    private static final long EPOCH_SECOND = 1_795_000_000L;
    private static final int MAX_ANOMALIES = 100;

    private final SyncStore store;
    private final Settings settings;
    private final AtomicBoolean started = new AtomicBoolean();

    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong pushRetries = new AtomicLong();
    private final AtomicLong pullRetries = new AtomicLong();
    private final AtomicLong pulls = new AtomicLong();
    private final Map<String, Long> retriesBySqlState = new ConcurrentHashMap<>();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong anomalyCount = new AtomicLong();
    private final List<PushRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Per object, the merge of the clocks of every op whose push has returned: what a pull must show. */
    private final Map<String, VectorClock> acknowledged = new ConcurrentHashMap<>();
    private final Model model;

    private LoadDriver(SyncStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
        this.model = new Model(store.options().engine());
    }

    /** A builder for a run against {@code store}. */
    public static Builder builder(SyncStore store) {
        return new Builder(store);
    }

    /** The settings of this driver. */
    public Settings settings() {
        return settings;
    }

    /**
     * What a run does.
     *
     * @param tenant          the tenant pushed to; must be empty when the run starts
     * @param writers         writer threads, each its own actor ({@code w1}, {@code w2}, ...)
     * @param followers       follower threads pulling by cursor
     * @param hotObjects      objects the writers write to ({@code hot-0} ...)
     * @param maxBatch        most ops in one push (each push carries 1..maxBatch)
     * @param pushesPerWriter pushes each writer makes; 0 for as many as fit in {@code duration}
     * @param duration        how long writers start new pushes; null for no limit
     * @param seed            seed of the writers' random choices (timing still varies)
     * @param maxAttempts     attempts at one push or pull before a writer or follower gives up
     * @param pullLimit       page size of every pull (small, so that pulls take several pages)
     * @param keepRecords     whether to keep every successful push in {@link Result#records()}
     *                        (memory grows with the run; off for long soaks)
     * @param joinTimeout     how long to wait for the threads after the run should have ended;
     *                        threads still running then are reported as unfinished
     */
    public record Settings(String tenant, int writers, int followers, int hotObjects, int maxBatch, int pushesPerWriter,
                           Duration duration, long seed, int maxAttempts, int pullLimit, boolean keepRecords,
                           Duration joinTimeout) {
        /** Checks the values. */
        public Settings {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(joinTimeout, "joinTimeout");
            require(writers >= 1, "writers must be >= 1, but was " + writers);
            require(followers >= 0, "followers must be >= 0, but was " + followers);
            require(hotObjects >= 1, "hotObjects must be >= 1, but was " + hotObjects);
            require(maxBatch >= 1, "maxBatch must be >= 1, but was " + maxBatch);
            require(pushesPerWriter >= 0, "pushesPerWriter must be >= 0, but was " + pushesPerWriter);
            require(duration == null || !duration.isNegative() && !duration.isZero(), "duration must be positive, but was " + duration);
            require(pushesPerWriter > 0 || duration != null, "a run needs pushesPerWriter or a duration to end");
            require(maxAttempts >= 1, "maxAttempts must be >= 1, but was " + maxAttempts);
            require(pullLimit >= 1, "pullLimit must be >= 1, but was " + pullLimit);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /**
     * One successful push.
     *
     * @param writer   the writer's actor id
     * @param ops      the ops, as pushed on every attempt
     * @param results  the store's results of the attempt that succeeded
     * @param attempts attempts it took (1 when the first one succeeded)
     */
    public record PushRecord(String writer, List<Op> ops, List<OpResult> results, int attempts) {
        /** Copies the lists. */
        public PushRecord {
            ops = List.copyOf(ops);
            results = List.copyOf(results);
        }
    }

    /**
     * A failure the driver did not recover from: a non-retryable {@link StoreException}, running
     * out of attempts, or any other exception. The thread that met it stopped.
     *
     * @param thread    the writer's or follower's name
     * @param doing     what it was doing
     * @param sqlState  the SQLSTATE, when the failure was a {@link StoreException}
     * @param retryable whether the failure was retryable (true when attempts ran out)
     * @param message   the exception's type and message
     */
    public record Failure(String thread, String doing, String sqlState, boolean retryable, String message) {
    }

    /**
     * What a run did.
     *
     * @param settings          the run's settings
     * @param elapsed           how long it ran, from start to the end of the join
     * @param pushes            successful pushes
     * @param ops               ops in successful pushes (all distinct)
     * @param pushRetries       push attempts that failed retryably and were retried
     * @param pullRetries       pull attempts that failed retryably and were retried
     * @param retriesBySqlState retried failures by SQLSTATE ({@code none} when there was none)
     * @param pulls             pull pages fetched by writers and followers
     * @param failures          failures not recovered from
     * @param anomalies         broken invariants seen during the run (at most 100 listed)
     * @param anomalyCount      broken invariants seen, all of them
     * @param unfinished        threads still running when the join timed out (a hang or deadlock)
     * @param followerStates    each follower's objects by id after its final pass (followers that
     *                          did not finish are missing)
     * @param model             the expected objects: every pushed op merged in memory
     * @param records           every successful push, when kept
     */
    public record Result(Settings settings, Duration elapsed, long pushes, long ops, long pushRetries, long pullRetries,
                         Map<String, Long> retriesBySqlState, long pulls, List<Failure> failures, List<String> anomalies,
                         long anomalyCount, List<String> unfinished, List<Map<String, MaterializedObject>> followerStates,
                         Map<String, MaterializedObject> model, List<PushRecord> records) {
        /** Copies the collections. */
        public Result {
            retriesBySqlState = Collections.unmodifiableMap(new TreeMap<>(retriesBySqlState));
            failures = List.copyOf(failures);
            anomalies = List.copyOf(anomalies);
            unfinished = List.copyOf(unfinished);
            followerStates = List.copyOf(followerStates);
            model = Collections.unmodifiableMap(new TreeMap<>(model));
            records = List.copyOf(records);
        }

        /** No failure, no anomaly, every thread finished. */
        public boolean clean() {
            return failures.isEmpty() && anomalyCount == 0 && unfinished.isEmpty();
        }
    }

    /**
     * What a run has done so far.
     *
     * @param pushes      successful pushes
     * @param ops         ops in successful pushes
     * @param pushRetries push attempts that failed retryably and were retried
     * @param pullRetries pull attempts that failed retryably and were retried
     */
    public record Progress(long pushes, long ops, long pushRetries, long pullRetries) {
    }

    /**
     * The store compared with the run, after it.
     *
     * @param storedObjects      objects in a full pull
     * @param followersMatch     every follower finished and its map equals the full pull
     * @param modelMatches       the full pull equals the model of every pushed op
     * @param journalOps         journal entries of the tenant (from a replay verify)
     * @param journalMatches     the journal holds exactly the ops pushed
     * @param replayConsistent   a replay verify found no difference
     */
    public record Check(int storedObjects, boolean followersMatch, boolean modelMatches, long journalOps,
                        boolean journalMatches, boolean replayConsistent) {
        /** Whether everything agrees. */
        public boolean consistent() {
            return followersMatch && modelMatches && journalMatches && replayConsistent;
        }
    }

    /**
     * Runs the writers and followers and waits for them.
     *
     * @throws IllegalStateException if the tenant is not empty or the driver already ran
     */
    public Result run() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a load driver runs once");
        }
        if (!store.pull(settings.tenant(), PullRequest.initial().withLimit(1)).objects().isEmpty()) {
            throw new IllegalStateException("tenant \"" + settings.tenant() + "\" must be empty for a load run");
        }
        long start = System.nanoTime();
        // Only read when there is a duration.
        long deadline = settings.duration() == null ? start : start + settings.duration().toNanos();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(settings.writers() + settings.followers(), r -> {
            Thread t = new Thread(r, "load-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        CountDownLatch writersLeft = new CountDownLatch(settings.writers());
        CountDownLatch startLine = new CountDownLatch(settings.writers());
        List<Future<Map<String, MaterializedObject>>> followerFutures = new ArrayList<>();
        try {
            for (int i = 1; i <= settings.writers(); i++) {
                Writer w = new Writer(i, deadline, startLine);
                pool.submit(() -> {
                    try {
                        track(w.actor, w::run);
                    } finally {
                        writersLeft.countDown();
                    }
                    return null;
                });
            }
            for (int i = 1; i <= settings.followers(); i++) {
                Follower f = new Follower("f" + i, writersLeft);
                followerFutures.add(pool.submit(() -> track(f.name, f::run)));
            }
        } finally {
            pool.shutdown();
        }
        long wait = settings.joinTimeout().toNanos();
        if (settings.duration() != null) {
            wait += Math.max(0, deadline - System.nanoTime());
        }
        boolean finished = pool.awaitTermination(wait, TimeUnit.NANOSECONDS);
        List<String> unfinished = new ArrayList<>(running);
        unfinished.sort(null);
        if (!finished) {
            pool.shutdownNow();
        }
        List<Map<String, MaterializedObject>> followerStates = new ArrayList<>();
        for (Future<Map<String, MaterializedObject>> f : followerFutures) {
            if (f.isDone() && !f.isCancelled()) {
                try {
                    Map<String, MaterializedObject> state = f.get();
                    if (state != null) {
                        followerStates.add(state);
                    }
                } catch (ExecutionException e) {
                    // recorded as a failure by track()
                }
            }
        }
        return new Result(settings, Duration.ofNanos(System.nanoTime() - start), pushes.get(), ops.get(), pushRetries.get(),
                pullRetries.get(), retriesBySqlState, pulls.get(), failures, anomalies, anomalyCount.get(), unfinished,
                followerStates, model.objects(), records);
    }

    /**
     * The counts so far, each read on its own (so they need not add up to one moment), from any
     * thread while {@link #run()} goes on: to report on a long run, or to act once a push was retried.
     * A retry is counted after its failed attempt ended, before the pause that precedes the next one.
     */
    public Progress progress() {
        return new Progress(pushes.get(), ops.get(), pushRetries.get(), pullRetries.get());
    }

    /**
     * Compares the store with a finished run: a full pull against every follower's map and against
     * the model, the journal's size against the ops pushed, and a replay verify.
     */
    public Check check(Result result) {
        Map<String, MaterializedObject> stored = new HashMap<>();
        // The run's small page size, so that the full pull pages too.
        PullRequest request = PullRequest.initial().withLimit(settings.pullLimit());
        while (true) {
            PullResponse page = store.pull(settings.tenant(), request);
            page.objects().forEach(o -> stored.put(o.objectId(), o));
            if (!page.hasMore()) {
                break;
            }
            request = request.withCursor(page.serverCursor());
        }
        boolean followersMatch = result.unfinished().isEmpty()
                && result.followerStates().size() == settings.followers()
                && result.followerStates().stream().allMatch(stored::equals);
        ReplayReport replay = store.replay(settings.tenant(), ReplayOptions.verify());
        return new Check(stored.size(), followersMatch, stored.equals(result.model()), replay.journalOps(),
                replay.journalOps() == result.ops(), replay.consistent());
    }

    /** The one-line JSON summary of a run and its check, as {@code sync-cli soak} prints it. */
    public static String summaryJson(Result r, Check c) {
        return SyncJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("tenant", r.settings().tenant());
            g.writeNumberField("writers", r.settings().writers());
            g.writeNumberField("followers", r.settings().followers());
            g.writeNumberField("hotObjects", r.settings().hotObjects());
            g.writeNumberField("seconds", Math.round(r.elapsed().toMillis() / 100.0) / 10.0);
            g.writeNumberField("pushes", r.pushes());
            g.writeNumberField("ops", r.ops());
            g.writeNumberField("retries", r.pushRetries() + r.pullRetries());
            g.writeObjectFieldStart("retriesBySqlState");
            for (Map.Entry<String, Long> e : r.retriesBySqlState().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("pulls", r.pulls());
            g.writeNumberField("failures", r.failures().size());
            g.writeNumberField("anomalies", r.anomalyCount());
            g.writeNumberField("unfinishedThreads", r.unfinished().size());
            g.writeNumberField("objects", c.storedObjects());
            g.writeNumberField("journalOps", c.journalOps());
            g.writeBooleanField("followersConsistent", c.followersMatch());
            g.writeBooleanField("modelConsistent", c.modelMatches());
            g.writeBooleanField("journalConsistent", c.journalMatches());
            g.writeBooleanField("replayConsistent", c.replayConsistent());
            g.writeBooleanField("ok", r.clean() && c.consistent());
            g.writeEndObject();
        });
    }

    private <T> T track(String name, Supplier<T> body) {
        running.add(name);
        try {
            return body.get();
        } catch (RuntimeException | Error e) {
            failures.add(new Failure(name, "running", null, false, e.toString()));
            return null;
        } finally {
            running.remove(name);
        }
    }

    private void anomaly(String message) {
        if (anomalyCount.incrementAndGet() <= MAX_ANOMALIES) {
            anomalies.add(message);
        }
    }

    /** A call the driver retries when it fails retryably. */
    @FunctionalInterface
    private interface Call<T> {
        T call();
    }

    /**
     * Makes {@code call} until it succeeds, at most {@code maxAttempts} times, pausing a random
     * 1..2^n ms (at most 32) after the n-th retryable failure. Returns null (and records a failure)
     * when it gives up.
     */
    private <T> Attempted<T> withRetries(String thread, String doing, AtomicLong retries, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new Attempted<>(call.call(), attempt);
            } catch (StoreException e) {
                if (!e.isRetryable() || attempt >= settings.maxAttempts()) {
                    failures.add(new Failure(thread, doing + (e.isRetryable() ? " (gave up after " + attempt + " attempts)" : ""),
                            e.sqlState(), e.isRetryable(), e.toString()));
                    return null;
                }
                retries.incrementAndGet();
                retriesBySqlState.merge(e.sqlState() == null ? "none" : e.sqlState(), 1L, Long::sum);
                try {
                    // Not the writer's seeded random: how often a push is retried must not change its next ops.
                    Thread.sleep(1 + ThreadLocalRandom.current().nextInt(1 << Math.min(attempt, 5)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    failures.add(new Failure(thread, doing + " (interrupted)", e.sqlState(), true, e.toString()));
                    return null;
                }
            }
        }
    }

    private record Attempted<T>(T value, int attempts) {
    }

    /**
     * Pulls every page after {@code cursor}, calling {@code sink} per page, then checks that
     * {@code objects} (what the caller holds after the pages) shows every op whose push returned
     * before the first page was requested. Returns the new cursor, or null on failure.
     */
    private String catchUp(String thread, String cursor, Map<String, MaterializedObject> objects,
                           Consumer<PullResponse> sink) {
        // A pass that ends with hasMore = false has seen every change committed before it started.
        Map<String, VectorClock> due = Map.copyOf(acknowledged);
        String at = cursor;
        while (true) {
            String since = at;
            Attempted<PullResponse> page = withRetries(thread, "pulling", pullRetries,
                    () -> store.pull(settings.tenant(), new PullRequest(since, null, settings.pullLimit())));
            if (page == null) {
                return null;
            }
            pulls.incrementAndGet();
            sink.accept(page.value());
            at = page.value().serverCursor();
            if (!page.value().hasMore()) {
                due.forEach((objectId, clock) -> {
                    MaterializedObject held = objects.get(objectId);
                    if (held == null || !covers(held.context(), clock)) {
                        anomaly(thread + ": after pulling up to date, " + objectId + " has context "
                                + (held == null ? "none" : held.context()) + ", but ops up to " + clock
                                + " had been pushed before the pull started (a skipped change)");
                    }
                });
                return at;
            }
        }
    }

    /** One writer: an actor of its own pushing batches on the hot objects. */
    private final class Writer {
        final String actor;
        private final long deadline;
        private final CountDownLatch startLine;
        private final Random random;
        private final Map<String, MaterializedObject> pulled = new HashMap<>();
        private final Map<String, VectorClock> own = new HashMap<>();
        private String cursor;
        private int written;
        private boolean arrived;

        Writer(int index, long deadline, CountDownLatch startLine) {
            this.actor = "w" + index;
            this.deadline = deadline;
            this.startLine = startLine;
            this.random = new Random(settings.seed() * 1_000_003L + index);
        }

        Void run() {
            try {
                return pushAll();
            } finally {
                // A writer that stops before its first push must not keep the others at the start line.
                arrive();
            }
        }

        private Void pushAll() {
            for (int k = 0; settings.pushesPerWriter() == 0 || k < settings.pushesPerWriter(); k++) {
                if (settings.duration() != null && System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                    return null;
                }
                // Like a client that syncs now and then: most pushes follow a pull, some do not.
                if (k == 0 || random.nextInt(10) < 6) {
                    String next = catchUp(actor, cursor, pulled, page -> page.objects().forEach(o -> pulled.put(o.objectId(), o)));
                    if (next == null) {
                        return null;
                    }
                    cursor = next;
                }
                if (k == 0 && !awaitStart()) {
                    return null;
                }
                List<Op> batch = nextBatch();
                Attempted<PushResult> pushed = push(batch);
                if (pushed == null) {
                    return null;
                }
                checkResults(batch, pushed);
                model.apply(batch);
                batch.forEach(op -> acknowledged.merge(op.objectId(), op.clock(), VectorClock::merge));
                pushes.incrementAndGet();
                ops.addAndGet(batch.size());
                if (settings.keepRecords()) {
                    records.add(new PushRecord(actor, batch, pushed.value().results(), pushed.attempts()));
                }
            }
            return null;
        }

        /** Waits until every writer has made its first pull; false when interrupted. */
        private boolean awaitStart() {
            arrive();
            try {
                startLine.await();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void arrive() {
            if (!arrived) {
                arrived = true;
                startLine.countDown();
            }
        }

        private Attempted<PushResult> push(List<Op> batch) {
            return withRetries(actor, "pushing " + batch.get(0).opId() + ".." + batch.get(batch.size() - 1).opId(),
                    pushRetries, () -> store.push(settings.tenant(), batch));
        }

        private void checkResults(List<Op> batch, Attempted<PushResult> pushed) {
            List<OpResult> results = pushed.value().results();
            List<String> ids = results.stream().map(OpResult::opId).toList();
            if (!ids.equals(batch.stream().map(Op::opId).toList())) {
                anomaly(actor + ": results " + ids + " do not list the batch's ops");
                return;
            }
            long duplicates = results.stream().filter(r -> r.outcome() == Outcome.DUPLICATE).count();
            if (pushed.attempts() == 1 && duplicates > 0) {
                anomaly(actor + ": first attempt at " + ids + " reported " + duplicates + " duplicates");
            } else if (duplicates > 0 && duplicates < results.size()) {
                anomaly(actor + ": retry of " + ids + " found only " + duplicates + " of its ops stored");
            }
        }

        private List<Op> nextBatch() {
            int size = 1 + random.nextInt(settings.maxBatch());
            List<Op> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int o = random.nextInt(settings.hotObjects());
                String objectId = "hot-" + o;
                List<String> tags = new ArrayList<>();
                for (String tag : TAGS) {
                    if (random.nextInt(3) == 0) {
                        tags.add(tag);
                    }
                }
                int n = ++written;
                boolean delete = random.nextInt(10) == 0;
                Op.Builder op = Op.builder().opId(actor + "-" + n).objectId(objectId).objectType(o % 3 == 0 ? "task" : "note")
                        .kind(delete ? OpKind.DELETE : OpKind.UPDATE).clock(nextClock(objectId)).tags(tags)
                        .timestamp(Instant.ofEpochSecond(EPOCH_SECOND + n));
                if (!delete) {
                    op.payload(Payload.parse("{\"by\":\"" + actor + "\",\"n\":" + n + ",\"text\":\"edit " + random.nextInt(1000)
                            + "\",\"done\":" + random.nextBoolean() + "}"));
                }
                batch.add(op.build());
            }
            return batch;
        }

        /** The object's context as last pulled, merged with this writer's own clock on it, incremented. */
        private VectorClock nextClock(String objectId) {
            MaterializedObject seen = pulled.get(objectId);
            VectorClock clock = seen == null ? VectorClock.empty() : seen.context();
            VectorClock mine = own.get(objectId);
            if (mine != null) {
                clock = clock.merge(mine);
            }
            clock = clock.increment(actor);
            own.put(objectId, clock);
            return clock;
        }
    }

    /** One follower: pulls by cursor into its own map until the writers are done, then once more. */
    private final class Follower {
        final String name;
        private final CountDownLatch writersLeft;
        private final Map<String, MaterializedObject> seen = new HashMap<>();

        Follower(String name, CountDownLatch writersLeft) {
            this.name = name;
            this.writersLeft = writersLeft;
        }

        Map<String, MaterializedObject> run() {
            String cursor = null;
            while (!Thread.currentThread().isInterrupted()) {
                // Read before the pass: a pass that starts after the last push returned sees everything.
                boolean last = writersLeft.getCount() == 0;
                int[] changed = {0};
                cursor = catchUp(name, cursor, seen, page -> {
                    Set<String> inPage = new HashSet<>();
                    for (MaterializedObject o : page.objects()) {
                        changed[0]++;
                        if (!inPage.add(o.objectId())) {
                            anomaly(name + ": " + o.objectId() + " twice in one page");
                        }
                        MaterializedObject before = seen.put(o.objectId(), o);
                        if (before != null) {
                            if (!covers(o.context(), before.context())) {
                                anomaly(name + ": context of " + o.objectId() + " went from " + before.context()
                                        + " to " + o.context());
                            }
                        }
                    }
                });
                if (cursor == null) {
                    return null;
                }
                if (last) {
                    return seen;
                }
                if (changed[0] == 0) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            failures.add(new Failure(name, "pulling (interrupted)", null, false, "interrupted before the final pass"));
            return null;
        }
    }

    /** The expected state: every pushed op merged by the store's engine, one state per object. */
    private static final class Model {
        private final MergeEngine engine;
        private final Map<String, ObjectState> states = new HashMap<>();

        Model(MergeEngine engine) {
            this.engine = engine;
        }

        synchronized void apply(List<Op> batch) {
            for (Op op : batch) {
                states.put(op.objectId(), engine.apply(states.get(op.objectId()), op).state());
            }
        }

        synchronized Map<String, MaterializedObject> objects() {
            Map<String, MaterializedObject> objects = new TreeMap<>(Utf8Order.COMPARATOR);
            states.values().forEach(s -> objects.put(s.objectId(), MaterializedObject.of(s)));
            return objects;
        }
    }

    /** Builds a {@link LoadDriver}; defaults on each setter. Not thread-safe. */
    public static final class Builder {
        private final SyncStore store;
        private String tenant = "load";
        private int writers = 4;
        private int followers = 2;
        private int hotObjects = 8;
        private int maxBatch = 8;
        private int pushesPerWriter = 40;
        private Duration duration;
        private long seed = 1;
        private int maxAttempts = 100;
        private int pullLimit = 7;
        private boolean keepRecords = true;
        private Duration joinTimeout = Duration.ofMinutes(2);

        private Builder(SyncStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Tenant to push to, empty at the start; default {@code load}. */
        public Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        /** Writer threads; default 4. */
        public Builder writers(int value) {
            this.writers = value;
            return this;
        }

        /** Follower threads; default 2. */
        public Builder followers(int value) {
            this.followers = value;
            return this;
        }

        /** Hot objects the writers share; default 8. */
        public Builder hotObjects(int value) {
            this.hotObjects = value;
            return this;
        }

        /** Most ops per push; default 8. */
        public Builder maxBatch(int value) {
            this.maxBatch = value;
            return this;
        }

        /** Pushes per writer, 0 for unlimited (then a duration is needed); default 40. */
        public Builder pushesPerWriter(int value) {
            this.pushesPerWriter = value;
            return this;
        }

        /** How long writers start new pushes; default none. */
        public Builder duration(Duration value) {
            this.duration = value;
            return this;
        }

        /** Seed of the writers' choices; default 1. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Attempts at one push or pull before giving up; default 100. */
        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /** Page size of every pull; default 7. */
        public Builder pullLimit(int value) {
            this.pullLimit = value;
            return this;
        }

        /** Whether to keep every successful push in the result; default true. */
        public Builder keepRecords(boolean value) {
            this.keepRecords = value;
            return this;
        }

        /** How long to wait for the threads beyond the run's end; default 2 minutes. */
        public Builder joinTimeout(Duration value) {
            this.joinTimeout = value;
            return this;
        }

        /** The driver; checks the settings. */
        public LoadDriver build() {
            Settings settings = new Settings(tenant, writers, followers, hotObjects, maxBatch, pushesPerWriter, duration, seed,
                    maxAttempts, pullLimit, keepRecords, joinTimeout);
            if (maxBatch > store.options().maxPushOps()) {
                throw new IllegalArgumentException("maxBatch must be at most the store's maxPushOps, "
                        + store.options().maxPushOps() + ", but was " + maxBatch);
            }
            return new LoadDriver(store, settings);
        }
    }

    /**
     * Whether served context {@code later} covers clock {@code earlier} as far as a client can
     * tell. Without context aliases that is {@code later >= earlier}. A client cannot expand an
     * alias ({@code "~": k}), so when {@code later} names a higher alias it only checks that the
     * entries both name did not go back: the ones {@code later} lacks are behind its alias.
     */
    static boolean covers(VectorClock later, VectorClock earlier) {
        long laterAlias = later.get(ContextAliases.ACTOR);
        long earlierAlias = earlier.get(ContextAliases.ACTOR);
        if (laterAlias < earlierAlias) {
            return false;
        }
        if (laterAlias == earlierAlias) {
            ClockOrder order = later.compare(earlier);
            return order == ClockOrder.AFTER || order == ClockOrder.EQUAL;
        }
        for (int i = 0; i < earlier.size(); i++) {
            long c = later.get(earlier.actorAt(i));
            if (c != 0 && c < earlier.counterAt(i)) {
                return false;
            }
        }
        return true;
    }
}
