package dev.syncmat.examples.bench.jmh;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic, causally ordered op history for the apply benchmark.
 *
 * <p>Every actor starts from a shared base clock that holds all actors (as clients that merge the
 * contexts they pull do), so every op's clock has {@code actors} entries. Ops are interleaved
 * across objects in a seeded random order, and each actor's counter only grows in that order. An
 * op's writer normally saw the object's whole context, so its clock dominates every current head.
 * For {@code concurrentPercent}% of all ops (drawn among the ops after each object's first) the
 * writer instead builds from the context as it was before the object's latest op, and is not that
 * op's writer: its op is then concurrent with the latest op and the engine keeps both as heads. Not thread-safe; built once per trial.
 */
final class CausalHistory {
    private final List<Op> ops;

    private CausalHistory(List<Op> ops) {
        this.ops = ops;
    }

    /** The ops in delivery order, which respects causality. */
    List<Op> ops() {
        return ops;
    }

    /** Builds a history; the same arguments always give the same ops. */
    static CausalHistory generate(int objects, int opsPerObject, int actors, int concurrentPercent, long seed) {
        if (actors < 2) {
            throw new IllegalArgumentException("actors must be >= 2, but was " + actors);
        }
        if (concurrentPercent < 0 || concurrentPercent > 100) {
            throw new IllegalArgumentException("concurrentPercent must be in 0..100, but was " + concurrentPercent);
        }
        SplittableRandom random = new SplittableRandom(seed);

        // One shared String per actor id: the JSON reader canonicalizes object keys the same way.
        String[] actorIds = new String[actors];
        long[] lastCounter = new long[actors];
        Map<String, Long> base = new HashMap<>();
        for (int a = 0; a < actors; a++) {
            actorIds[a] = String.format(Locale.ROOT, "client-%04d", a);
            lastCounter[a] = 1 + random.nextInt(10_000);
            base.put(actorIds[a], lastCounter[a]);
        }
        VectorClock baseClock = VectorClock.of(base);

        // Delivery order: each object appears opsPerObject times, shuffled (Fisher-Yates).
        int total = objects * opsPerObject;
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i % objects;
        }
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }

        VectorClock[] context = new VectorClock[objects];
        VectorClock[] previousContext = new VectorClock[objects];
        int[] lastWriter = new int[objects];
        int[] written = new int[objects];
        List<Op> ops = new ArrayList<>(total);
        // An object's first op has nothing to be concurrent with, so later ops are drawn at a
        // higher rate that makes concurrentPercent% of all ops concurrent.
        double later = total - objects;
        double concurrentRate = later == 0 ? 0 : Math.min(1.0, concurrentPercent / 100.0 * total / later);
        for (int o : order) {
            boolean first = context[o] == null;
            boolean concurrent = !first && random.nextDouble() < concurrentRate;
            int writer = random.nextInt(actors);
            VectorClock seen;
            if (concurrent) {
                while (writer == lastWriter[o]) {
                    writer = random.nextInt(actors);
                }
                seen = previousContext[o];
            } else {
                seen = first ? baseClock : context[o];
            }
            long counter = Math.max(lastCounter[writer], seen.get(actorIds[writer])) + 1;
            lastCounter[writer] = counter;
            VectorClock clock = seen.merge(VectorClock.of(actorIds[writer], counter));

            // Fresh id strings per op, as a reader parsing each op would produce them.
            String objectId = new String("obj-" + o);
            String opId = actorIds[writer] + "-" + counter;
            Payload payload = Payload.parse("{\"title\":\"note " + o + " rev " + written[o] + "\",\"done\":"
                    + random.nextBoolean() + ",\"rank\":" + random.nextInt(1000) + "}");
            // The op's clock built from its entries through the factory the JSON reader uses, as
            // for a parsed op, not the generator's derived clock (a merge result shares its actor
            // array with the clock it came from whether or not the reader's clocks would).
            ops.add(Op.update(opId, objectId, "note", VectorClock.of(clock.toMap()), payload));

            previousContext[o] = first ? baseClock : context[o];
            context[o] = first ? clock : context[o].merge(clock);
            lastWriter[o] = writer;
            written[o]++;
        }
        return new CausalHistory(List.copyOf(ops));
    }

    /** Applies the history once and counts outcomes and final heads, to describe it in the run log. */
    String describe() {
        MergeEngine engine = MergeEngine.create();
        Map<String, ObjectState> states = new HashMap<>();
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (Op op : ops) {
            ApplyResult r = engine.apply(states.get(op.objectId()), op);
            states.put(op.objectId(), r.state());
            outcomes.merge(r.outcome(), 1, Integer::sum);
        }
        long heads = 0;
        for (ObjectState s : states.values()) {
            heads += s.headCount();
        }
        return String.format(Locale.ROOT, "history: %d ops, %d objects, clock size %d, outcomes %s, mean final heads %.3f",
                ops.size(), states.size(), ops.get(ops.size() - 1).clock().size(), outcomes,
                (double) heads / states.size());
    }
}
