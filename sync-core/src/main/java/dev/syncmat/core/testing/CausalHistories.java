package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A generator of realistic offline histories ({@link CausalHistory}), configured by a few knobs and
 * driven either by a seed ({@link #generate(long)}, plain Java) or by jqwik
 * ({@link CausalHistoryArbitraries#histories(CausalHistories)}, with shrinking).
 *
 * <h2>The simulation</h2>
 * Each replica keeps, per object, the clock of what it has seen. Every step is one of:
 * <ul>
 *   <li><b>edit</b>: a replica writes an op for an object while offline (replica and object
 *       are each the lower of two uniform draws: as in real data, some replicas are busier and
 *       some objects hotter, and those see more concurrency). Its clock is what the
 *       replica has seen of the object with its own counter incremented, so it dominates exactly
 *       what the replica knew. It is a delete at {@link #deleteRate}; an update after a delete
 *       the replica has seen resurrects the object. At {@link #typeChangeRate} it carries the
 *       object's other type, at {@link #retagRate} a new set of tags. At {@link #clockReuseRate}
 *       the replica has crashed before saving its clock and reuses the clock of its previous op
 *       of the object: two different ops with equal clocks.</li>
 *   <li><b>sync</b> (at {@link #syncRate}): the replica delivers what it wrote to the server and
 *       learns the server's context for every object.</li>
 *   <li><b>gossip</b> (at {@link #gossipRate}): one replica learns what another has seen of one
 *       object, peer to peer.</li>
 * </ul>
 * Ids are chosen to make string order matter: actor and object ids include non-ASCII and
 * astral-plane characters ({@link #actorId}, {@link #objectId}). Payloads come from a small pool
 * so that equal payloads, and payloads equal only as JSON values ({@code {"t":1}} and
 * {@code {"t":1.0}}), occur often; {@link #payloads} replaces the pool with payloads of your
 * domain.
 *
 * <p>The defaults: 2 to 5 replicas, 1 to 6 objects, 1 to 60 steps, 22% syncs, 11% gossip, and of
 * the edits 15% deletes, 4% clock reuse, 8% type changes and 25% retags. Every knob returns a new
 * generator. Immutable and thread-safe; the same settings and seed give the same history.
 * Needs no jqwik on the class path.
 */
public final class CausalHistories {
    /** Actor ids, with non-ASCII and astral-plane characters so string order matters. */
    private static final List<String> ACTORS = List.of("alice", "bob", "c3", "\u03a9mega", "\uD835\uDD37eta", "\uFB01n");
    /** Object ids, likewise, and one that would break SQL built by string concatenation. */
    private static final List<String> OBJECTS = List.of("note-1", "note-2", "task-\u00c4", "\uD835\uDD2Cbj", "x",
            "note-1'; --");
    /** The default payload pool. */
    static final List<String> PAYLOADS = List.of("\"aaa\"", "\"mmm\"", "\"zzz\"", "{\"t\":1}", "{\"t\":1.0}",
            "[1,2]", "null", "{\"b\":[true,false],\"a\":\"\u00e9\u20ac\uD83D\uDE80\"}", "1", "1e0", "\"\"", "[]", "{}");
    /** Tags an op may carry. */
    static final List<String> TAGS = List.of("inbox", "work", "stra\u00dfe");
    private static final List<String> TYPES = List.of("note", "task");
    private static final long FIRST_TIMESTAMP = 1_795_000_000L;
    /** Rates are kept in basis points so that jqwik can generate and shrink the rolls as integers. */
    static final int BASIS = 10_000;

    private static final CausalHistories DEFAULTS = new CausalHistories(2, 5, 1, 6, 1, 60,
            0.22, 0.11, 0.15, 0.04, 0.08, 0.25, parse(PAYLOADS));

    final int minReplicas;
    final int maxReplicas;
    final int minObjects;
    final int maxObjects;
    final int minSteps;
    final int maxSteps;
    private final double syncRate;
    private final double gossipRate;
    private final double deleteRate;
    private final double clockReuseRate;
    private final double typeChangeRate;
    private final double retagRate;
    final List<Payload> payloads;

    private CausalHistories(int minReplicas, int maxReplicas, int minObjects, int maxObjects, int minSteps,
                            int maxSteps, double syncRate, double gossipRate, double deleteRate,
                            double clockReuseRate, double typeChangeRate, double retagRate, List<Payload> payloads) {
        this.minReplicas = minReplicas;
        this.maxReplicas = maxReplicas;
        this.minObjects = minObjects;
        this.maxObjects = maxObjects;
        this.minSteps = minSteps;
        this.maxSteps = maxSteps;
        this.syncRate = syncRate;
        this.gossipRate = gossipRate;
        this.deleteRate = deleteRate;
        this.clockReuseRate = clockReuseRate;
        this.typeChangeRate = typeChangeRate;
        this.retagRate = retagRate;
        this.payloads = payloads;
    }

    /** The generator with the default settings (see the class comment). */
    public static CausalHistories defaults() {
        return DEFAULTS;
    }

    /** Exactly {@code n} replicas (n &gt;= 1). */
    public CausalHistories replicas(int n) {
        return replicas(n, n);
    }

    /** Between {@code min} and {@code max} replicas, inclusive (1 &lt;= min &lt;= max). */
    public CausalHistories replicas(int min, int max) {
        checkRange("replicas", min, max, 1);
        return new CausalHistories(min, max, minObjects, maxObjects, minSteps, maxSteps, syncRate, gossipRate,
                deleteRate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** Exactly {@code n} objects (n &gt;= 1). */
    public CausalHistories objects(int n) {
        return objects(n, n);
    }

    /** Between {@code min} and {@code max} objects, inclusive (1 &lt;= min &lt;= max). */
    public CausalHistories objects(int min, int max) {
        checkRange("objects", min, max, 1);
        return new CausalHistories(minReplicas, maxReplicas, min, max, minSteps, maxSteps, syncRate, gossipRate,
                deleteRate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** Exactly {@code n} steps (n &gt;= 0); a step is an edit, a sync or a gossip, so ops &lt;= steps. */
    public CausalHistories steps(int n) {
        return steps(n, n);
    }

    /** Between {@code min} and {@code max} steps, inclusive (0 &lt;= min &lt;= max). */
    public CausalHistories steps(int min, int max) {
        checkRange("steps", min, max, 0);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, min, max, syncRate, gossipRate,
                deleteRate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** The share of steps that are syncs with the server (syncRate + gossipRate &lt;= 1). */
    public CausalHistories syncRate(double rate) {
        checkRate("syncRate", rate);
        checkRate("syncRate + gossipRate", rate + gossipRate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, rate,
                gossipRate, deleteRate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** The share of steps in which one replica tells another what it has seen of an object. */
    public CausalHistories gossipRate(double rate) {
        checkRate("gossipRate", rate);
        checkRate("syncRate + gossipRate", syncRate + rate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                rate, deleteRate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** The share of edits that are deletes. */
    public CausalHistories deleteRate(double rate) {
        checkRate("deleteRate", rate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                gossipRate, rate, clockReuseRate, typeChangeRate, retagRate, payloads);
    }

    /** The share of edits that reuse the replica's previous clock for the object (a crash); 0 for none. */
    public CausalHistories clockReuseRate(double rate) {
        checkRate("clockReuseRate", rate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                gossipRate, deleteRate, rate, typeChangeRate, retagRate, payloads);
    }

    /**
     * The share of edits that carry the object's other type ({@code note} and {@code task}); 0 keeps
     * every object's type fixed.
     */
    public CausalHistories typeChangeRate(double rate) {
        checkRate("typeChangeRate", rate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                gossipRate, deleteRate, clockReuseRate, rate, retagRate, payloads);
    }

    /**
     * The share of edits that carry a new set of tags (any subset of {@code inbox}, {@code work},
     * {@code straße}) instead of the object's usual ones; 0 keeps every object's tags fixed.
     */
    public CausalHistories retagRate(double rate) {
        checkRate("retagRate", rate);
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                gossipRate, deleteRate, clockReuseRate, typeChangeRate, rate, payloads);
    }

    /**
     * Updates draw their payload from these JSON texts instead of the default pool, for services
     * that accept only payloads of their own shape. Keep the pool small, so that equal payloads
     * (concurrent ops that tie on the payload) occur.
     *
     * @throws dev.syncmat.core.op.InvalidOpException if a text is not one JSON value
     * @throws IllegalArgumentException               if there are none
     */
    public CausalHistories payloads(List<String> json) {
        if (json.isEmpty()) {
            throw new IllegalArgumentException("payloads must not be empty");
        }
        return new CausalHistories(minReplicas, maxReplicas, minObjects, maxObjects, minSteps, maxSteps, syncRate,
                gossipRate, deleteRate, clockReuseRate, typeChangeRate, retagRate, parse(json));
    }

    /** As {@link #payloads(List)}. */
    public CausalHistories payloads(String... json) {
        return payloads(List.of(json));
    }

    /**
     * A history drawn from {@code seed}: the numbers of replicas, objects and steps within their
     * ranges, then the steps. The same settings and seed always give the same history.
     */
    public CausalHistory generate(long seed) {
        Random random = new Random(seed);
        int replicas = between(random, minReplicas, maxReplicas);
        int objects = between(random, minObjects, maxObjects);
        int steps = between(random, minSteps, maxSteps);
        List<Step> plan = new ArrayList<>(steps);
        int sync = basisPoints(syncRate);
        int gossip = basisPoints(gossipRate);
        for (int i = 0; i < steps; i++) {
            int roll = random.nextInt(BASIS);
            if (roll < sync) {
                plan.add(new Sync(random.nextInt(replicas)));
            } else if (roll < sync + gossip) {
                plan.add(new Gossip(random.nextInt(replicas), random.nextInt(replicas), random.nextInt(objects)));
            } else {
                int replica = Math.min(random.nextInt(replicas), random.nextInt(replicas));
                int object = Math.min(random.nextInt(objects), random.nextInt(objects));
                plan.add(new Edit(replica, object, random.nextInt(BASIS),
                        random.nextInt(BASIS), random.nextInt(BASIS), random.nextInt(BASIS),
                        random.nextInt(1 << TAGS.size()), random.nextInt(payloads.size())));
            }
        }
        return interpret(replicas, objects, plan);
    }

    /** The actor id of replica number {@code i}: special characters first, then plain ids. */
    public static String actorId(int i) {
        return i < ACTORS.size() ? ACTORS.get(i) : "actor-" + i;
    }

    /** The id of object number {@code i}: special characters first, then plain ids ({@code obj-i}). */
    public static String objectId(int i) {
        return i < OBJECTS.size() ? OBJECTS.get(i) : "obj-" + i;
    }

    int syncBasisPoints() {
        return basisPoints(syncRate);
    }

    int gossipBasisPoints() {
        return basisPoints(gossipRate);
    }

    /** One step of the simulation; indices are taken modulo the numbers of replicas and objects. */
    sealed interface Step permits Edit, Sync, Gossip {
    }

    /**
     * A replica writes an op for an object. Each roll is in [0, {@link #BASIS}) and switches its
     * feature on when in the top {@code rate * BASIS} of the range ({@link #on}), so that a roll
     * shrunk towards 0 switches it off: jqwik shrinks towards plain updates.
     */
    record Edit(int replica, int object, int deleteRoll, int reuseRoll, int typeRoll, int retagRoll, int tagMask,
                int payload) implements Step {
    }

    /** A replica delivers what it wrote to the server and learns the server's context of every object. */
    record Sync(int replica) implements Step {
    }

    /** Replica {@code to} learns what replica {@code from} has seen of one object. */
    record Gossip(int from, int to, int object) implements Step {
    }

    /** Runs the steps with {@code replicas} replicas over {@code objects} objects. */
    CausalHistory interpret(int replicas, int objects, List<Step> steps) {
        List<String> actors = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            actors.add(actorId(r));
        }
        List<Map<Integer, VectorClock>> known = new ArrayList<>();
        List<Map<Integer, VectorClock>> lastClock = new ArrayList<>();
        List<Map<Integer, VectorClock>> pending = new ArrayList<>();
        int[] written = new int[replicas];
        for (int r = 0; r < replicas; r++) {
            known.add(new HashMap<>());
            lastClock.add(new HashMap<>());
            pending.add(new HashMap<>());
        }
        Map<Integer, VectorClock> server = new HashMap<>();
        List<Op> ops = new ArrayList<>();
        int deletes = basisPoints(deleteRate);
        int reuses = basisPoints(clockReuseRate);
        int typeChanges = basisPoints(typeChangeRate);
        int retags = basisPoints(retagRate);
        for (Step step : steps) {
            if (step instanceof Edit e) {
                int r = e.replica() % replicas;
                int o = e.object() % objects;
                String actor = actors.get(r);
                VectorClock seen = known.get(r).getOrDefault(o, VectorClock.empty());
                VectorClock previous = lastClock.get(r).get(o);
                // A crash before the clock was saved: the replica restarts from its previous op's clock.
                VectorClock clock = on(e.reuseRoll(), reuses) && previous != null ? previous : seen.increment(actor);
                known.get(r).put(o, clock);
                lastClock.get(r).put(o, clock);
                pending.get(r).merge(o, clock, VectorClock::merge);
                boolean delete = on(e.deleteRoll(), deletes);
                int homeType = o % 3 == 2 ? 1 : 0;
                String type = TYPES.get(on(e.typeRoll(), typeChanges) ? 1 - homeType : homeType);
                int tagMask = on(e.retagRoll(), retags) ? e.tagMask() : o % (1 << TAGS.size());
                List<String> tags = new ArrayList<>();
                for (int t = 0; t < TAGS.size(); t++) {
                    if ((tagMask & (1 << t)) != 0) {
                        tags.add(TAGS.get(t));
                    }
                }
                ops.add(Op.builder()
                        .opId(actor + "-" + (++written[r]))
                        .objectId(objectId(o))
                        .objectType(type)
                        .kind(delete ? OpKind.DELETE : OpKind.UPDATE)
                        .clock(clock)
                        .payload(delete ? null : payloads.get(e.payload() % payloads.size()))
                        .tags(tags)
                        .timestamp(Instant.ofEpochSecond(FIRST_TIMESTAMP + ops.size()))
                        .build());
            } else if (step instanceof Sync s) {
                int r = s.replica() % replicas;
                pending.get(r).forEach((o, c) -> server.merge(o, c, VectorClock::merge));
                pending.get(r).clear();
                server.forEach((o, c) -> known.get(r).merge(o, c, VectorClock::merge));
            } else if (step instanceof Gossip g) {
                int from = g.from() % replicas;
                int to = g.to() % replicas;
                int o = g.object() % objects;
                VectorClock c = known.get(from).get(o);
                if (c != null) {
                    known.get(to).merge(o, c, VectorClock::merge);
                }
            }
        }
        return new CausalHistory(actors, ops);
    }

    /** The settings, for reports. */
    @Override
    public String toString() {
        return "CausalHistories{replicas " + minReplicas + ".." + maxReplicas + ", objects " + minObjects + ".."
                + maxObjects + ", steps " + minSteps + ".." + maxSteps + ", syncRate " + syncRate + ", gossipRate "
                + gossipRate + ", deleteRate " + deleteRate + ", clockReuseRate " + clockReuseRate
                + ", typeChangeRate " + typeChangeRate + ", retagRate " + retagRate + ", " + payloads.size()
                + " payloads}";
    }

    /** Whether a roll switches on a feature of the given rate in basis points. */
    static boolean on(int roll, int basisPoints) {
        return roll >= BASIS - basisPoints;
    }

    private static int basisPoints(double rate) {
        return (int) Math.round(rate * BASIS);
    }

    private static int between(Random random, int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private static List<Payload> parse(List<String> json) {
        List<Payload> parsed = new ArrayList<>(json.size());
        for (String text : json) {
            parsed.add(Payload.parse(Objects.requireNonNull(text, "payload")));
        }
        return List.copyOf(parsed);
    }

    private static void checkRange(String what, int min, int max, int lowest) {
        if (min < lowest || max < min) {
            throw new IllegalArgumentException(what + " must be a range " + lowest + " <= min <= max, but was "
                    + min + ".." + max);
        }
    }

    private static void checkRate(String what, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(what + " must be between 0 and 1, but was " + rate);
        }
    }
}
