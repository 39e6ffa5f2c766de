package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A brute-force model of the merge, written independently of the engine: for every object, the
 * heads are the ops no other op of the object strictly dominates (checked pairwise over plain
 * maps), the winner is the maximum under the policy (compared over UTF-8 byte arrays), and the
 * context is the pointwise maximum of all clocks.
 */
public final class Model {
    private Model() {
    }

    /** The expected state of one object. */
    public record Expected(String objectId, Set<String> headIds, String winnerId, Map<String, Long> context) {
        /** Whether {@code state} matches. */
        public boolean matches(ObjectState state) {
            Set<String> actualHeads = new HashSet<>();
            state.heads().forEach(h -> actualHeads.add(h.opId()));
            return state.objectId().equals(objectId) && actualHeads.equals(headIds)
                    && state.winnerOpId().equals(winnerId) && state.context().toMap().equals(context);
        }
    }

    /**
     * Expected states, by object id, of a set of ops (repeats of an op id are ignored).
     *
     * @param deleteWins whether a delete outranks an update (else an update outranks a delete)
     */
    public static Map<String, Expected> expected(List<Op> ops, boolean deleteWins) {
        Map<String, Map<String, Op>> byObject = new LinkedHashMap<>();
        for (Op op : ops) {
            byObject.computeIfAbsent(op.objectId(), k -> new LinkedHashMap<>()).putIfAbsent(op.opId(), op);
        }
        Map<String, Expected> result = new HashMap<>();
        Comparator<Op> order = rank(deleteWins);
        byObject.forEach((objectId, opsById) -> {
            List<Op> all = new ArrayList<>(opsById.values());
            List<Op> heads = new ArrayList<>();
            for (Op x : all) {
                boolean dominated = false;
                for (Op y : all) {
                    if (strictlyBefore(x.clock(), y.clock())) {
                        dominated = true;
                        break;
                    }
                }
                if (!dominated) {
                    heads.add(x);
                }
            }
            Op winner = heads.stream().max(order).orElseThrow();
            Map<String, Long> context = new TreeMap<>();
            for (Op x : all) {
                x.clock().toMap().forEach((actor, n) -> context.merge(actor, n, Math::max));
            }
            Set<String> headIds = new TreeSet<>();
            heads.forEach(h -> headIds.add(h.opId()));
            result.put(objectId, new Expected(objectId, headIds, winner.opId(), context));
        });
        return result;
    }

    /** x happened strictly before y: no counter of x is above y's and at least one is below. */
    public static boolean strictlyBefore(VectorClock x, VectorClock y) {
        Map<String, Long> a = x.toMap();
        Map<String, Long> b = y.toMap();
        Set<String> actors = new HashSet<>(a.keySet());
        actors.addAll(b.keySet());
        boolean smaller = false;
        for (String actor : actors) {
            long ca = a.getOrDefault(actor, 0L);
            long cb = b.getOrDefault(actor, 0L);
            if (ca > cb) {
                return false;
            }
            if (ca < cb) {
                smaller = true;
            }
        }
        return smaller;
    }

    /** The policy order over ops, over UTF-8 bytes: greater means ranks higher. */
    public static Comparator<Op> rank(boolean deleteWins) {
        return (p, q) -> {
            if (p.isDelete() != q.isDelete()) {
                return p.isDelete() == deleteWins ? 1 : -1;
            }
            if (!p.isDelete()) {
                int c = Arrays.compareUnsigned(bytes(p.payload().json()), bytes(q.payload().json()));
                if (c != 0) {
                    return c;
                }
            }
            return Arrays.compareUnsigned(bytes(p.opId()), bytes(q.opId()));
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
