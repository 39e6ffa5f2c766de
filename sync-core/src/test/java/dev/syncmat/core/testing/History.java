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

/**
 * A realistic causal history: the ops that offline replicas wrote, in the order they wrote them.
 *
 * <p>Each replica keeps, per object, the clock of what it has seen. It edits offline (its next op
 * dominates what it has seen and nothing else), sometimes syncs with the server (delivering what
 * it wrote and learning the server's context for every object), sometimes hears about one object
 * from a peer, deletes objects, resurrects objects whose delete it has seen, changes an object's
 * type or tags, and, rarely, crashes before saving its clock and so reuses a clock for a new op
 * (two different ops with equal clocks). Payloads are drawn from a small pool so that equal
 * payloads (also ones that are equal only as JSON values, like {@code 1} and {@code 1.0}) occur.
 *
 * @param actors the replicas' actor ids
 * @param ops    every op, in creation order (a causal order)
 */
public record History(List<String> actors, List<Op> ops) {
    /** Actor ids, with non-ASCII and astral characters so string order matters. */
    static final List<String> ACTORS = List.of("alice", "bob", "c3", "Ωmega", "\uD835\uDD37eta", "\uFB01n");
    /** Object ids, likewise. */
    static final List<String> OBJECTS = List.of("note-1", "note-2", "task-Ä", "\uD835\uDD2Cbj", "x", "note-1'; --");
    static final List<String> PAYLOADS = List.of("\"aaa\"", "\"mmm\"", "\"zzz\"", "{\"t\":1}", "{\"t\":1.0}",
            "[1,2]", "null", "{\"b\":[true,false],\"a\":\"\u00e9\u20ac\uD83D\uDE80\"}");
    static final List<String> TAGS = List.of("inbox", "work", "stra\u00dfe");

    /** One step of the simulation. */
    public sealed interface Action permits Edit, Sync, Gossip {
    }

    /**
     * A replica writes an op for an object.
     *
     * @param replica  which replica
     * @param object   which object
     * @param kindRoll below 15: a delete
     * @param payload  index into the payload pool
     * @param tagMask  which tags the op carries
     * @param misc     below 8: the object's type changes; 8..11: the replica reuses its last clock
     */
    public record Edit(int replica, int object, int kindRoll, int payload, int tagMask, int misc) implements Action {
    }

    /** A replica delivers what it wrote to the server and learns the server's context of every object. */
    public record Sync(int replica) implements Action {
    }

    /** Replica {@code to} learns what replica {@code from} has seen of one object. */
    public record Gossip(int from, int to, int object) implements Action {
    }

    /** Runs the actions with {@code replicas} replicas over {@code objects} objects. */
    public static History interpret(int replicas, int objects, List<Action> actions) {
        List<String> actors = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            actors.add(r < ACTORS.size() ? ACTORS.get(r) : "actor-" + r);
        }
        List<Map<Integer, VectorClock>> known = new ArrayList<>();
        List<List<Op>> pending = new ArrayList<>();
        List<Map<Integer, VectorClock>> lastClock = new ArrayList<>();
        int[] written = new int[replicas];
        for (int r = 0; r < replicas; r++) {
            known.add(new HashMap<>());
            pending.add(new ArrayList<>());
            lastClock.add(new HashMap<>());
        }
        Map<Integer, VectorClock> server = new HashMap<>();
        List<Op> ops = new ArrayList<>();
        for (Action action : actions) {
            if (action instanceof Edit e) {
                int o = e.object() % objects;
                String actor = actors.get(e.replica() % replicas);
                int r = e.replica() % replicas;
                VectorClock seen = known.get(r).getOrDefault(o, VectorClock.empty());
                VectorClock previous = lastClock.get(r).get(o);
                VectorClock clock = e.misc() >= 8 && e.misc() < 12 && previous != null ? previous : seen.increment(actor);
                known.get(r).put(o, clock);
                lastClock.get(r).put(o, clock);
                boolean delete = e.kindRoll() < 15;
                List<String> tags = new ArrayList<>();
                for (int t = 0; t < TAGS.size(); t++) {
                    if ((e.tagMask() & (1 << t)) != 0) {
                        tags.add(TAGS.get(t));
                    }
                }
                Op op = Op.builder()
                        .opId(actor + "-" + (++written[r]))
                        .objectId(objectId(o))
                        .objectType(e.misc() < 8 ? "task" : "note")
                        .kind(delete ? OpKind.DELETE : OpKind.UPDATE)
                        .clock(clock)
                        .payload(delete ? null : Payload.parse(PAYLOADS.get(e.payload() % PAYLOADS.size())))
                        .tags(tags)
                        .timestamp(Instant.ofEpochSecond(1_795_000_000L + ops.size()))
                        .build();
                ops.add(op);
                pending.get(r).add(op);
            } else if (action instanceof Sync s) {
                int r = s.replica() % replicas;
                for (Op op : pending.get(r)) {
                    server.merge(objectIndex(op.objectId()), op.clock(), VectorClock::merge);
                }
                pending.get(r).clear();
                server.forEach((o, c) -> known.get(r).merge(o, c, VectorClock::merge));
            } else if (action instanceof Gossip g) {
                int from = g.from() % replicas;
                int to = g.to() % replicas;
                int o = g.object() % objects;
                VectorClock c = known.get(from).get(o);
                if (c != null) {
                    known.get(to).merge(o, c, VectorClock::merge);
                }
            }
        }
        return new History(List.copyOf(actors), List.copyOf(ops));
    }

    /** The id of object number {@code i}: special characters first, then plain ids. */
    public static String objectId(int i) {
        return i < OBJECTS.size() ? OBJECTS.get(i) : "obj-" + i;
    }

    private static int objectIndex(String id) {
        int i = OBJECTS.indexOf(id);
        return i >= 0 ? i : Integer.parseInt(id.substring(4));
    }

    /**
     * A history from a seeded random walk, for tests that are not jqwik properties (store suites,
     * CLI tests): same action mix as the jqwik generator.
     */
    public static History random(long seed, int replicas, int objects, int steps) {
        java.util.Random random = new java.util.Random(seed);
        List<Action> actions = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            int roll = random.nextInt(9);
            if (roll < 6) {
                actions.add(new Edit(random.nextInt(replicas), random.nextInt(objects), random.nextInt(100),
                        random.nextInt(PAYLOADS.size()), random.nextInt(8), random.nextInt(100)));
            } else if (roll < 8) {
                actions.add(new Sync(random.nextInt(replicas)));
            } else {
                actions.add(new Gossip(random.nextInt(replicas), random.nextInt(replicas), random.nextInt(objects)));
            }
        }
        return interpret(replicas, objects, actions);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("History(" + ops.size() + " ops)");
        for (Op op : ops) {
            sb.append("\n  ").append(op);
        }
        return sb.toString();
    }
}
