package dev.syncmat.examples.bench;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The ops the database benchmark pushes, generated from a seed: 80% create a new object, 20%
 * update one of the 2,000 most recently created objects (the writer saw its latest op, except in
 * 5% of updates, which are concurrent with it). A quarter of the ops carry a tag; payloads are
 * small JSON objects (about 100 bytes); 16 actors.
 */
final class BenchWorkload {
    private BenchWorkload() {
    }

    static List<Op> generate(long seed, int count, String objectPrefix) {
        Random random = new Random(seed);
        List<Op> ops = new ArrayList<>(count);
        List<String> recentIds = new ArrayList<>();
        List<VectorClock> recentClocks = new ArrayList<>();
        List<VectorClock> firstClocks = new ArrayList<>();
        int objects = 0;
        for (int i = 0; i < count; i++) {
            String actor = "device-" + random.nextInt(16);
            String objectId;
            VectorClock clock;
            if (recentIds.isEmpty() || random.nextInt(10) < 8) {
                objectId = objectPrefix + (objects++);
                clock = VectorClock.of(actor, 1);
                recentIds.add(objectId);
                recentClocks.add(clock);
                firstClocks.add(clock);
                if (recentIds.size() > 2000) {
                    recentIds.remove(0);
                    recentClocks.remove(0);
                    firstClocks.remove(0);
                }
            } else {
                int k = random.nextInt(recentIds.size());
                objectId = recentIds.get(k);
                if (random.nextInt(20) == 0) {
                    clock = firstClocks.get(k).increment("late-" + actor);
                } else {
                    clock = recentClocks.get(k).increment(actor);
                }
                recentClocks.set(k, recentClocks.get(k).merge(clock));
            }
            ops.add(Op.builder().opId("op-" + i).objectId(objectId).objectType(i % 3 == 0 ? "task" : "note")
                    .kind(OpKind.UPDATE).clock(clock)
                    .payload(Payload.parse("{\"title\":\"item " + i + "\",\"done\":" + (i % 2 == 0)
                            + ",\"body\":\"lorem ipsum dolor sit amet " + random.nextInt(1_000_000) + "\"}"))
                    .tags(i % 4 == 0 ? List.of("tag-" + (i % 10)) : List.of())
                    .timestamp(Instant.ofEpochSecond(1_795_000_000L + i))
                    .build());
        }
        return ops;
    }

    /** Dominating updates of {@code count} distinct objects among {@code existing}, tagged {@code touched}. */
    static List<Op> touch(List<Op> existing, int count, long seed, String opPrefix) {
        Random random = new Random(seed);
        List<Op> ops = new ArrayList<>(count);
        java.util.Set<String> used = new java.util.HashSet<>();
        while (ops.size() < count) {
            Op base = existing.get(random.nextInt(existing.size()));
            if (!used.add(base.objectId())) {
                continue;
            }
            ops.add(Op.builder().opId(opPrefix + ops.size()).objectId(base.objectId()).objectType(base.objectType())
                    .kind(OpKind.UPDATE).clock(base.clock().increment("toucher").increment("toucher-" + seed))
                    .payload(Payload.parse("{\"touched\":" + ops.size() + "}")).tags(List.of("touched")).build());
        }
        return ops;
    }
}
