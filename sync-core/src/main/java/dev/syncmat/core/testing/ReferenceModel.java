package dev.syncmat.core.testing;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The brute-force materialization of a set of ops, for any {@link MergePolicy}, written without
 * the {@link dev.syncmat.core.merge.MergeEngine} so that it can catch the engine's bugs (and a
 * store's, or a service's):
 * <ol>
 *   <li>an object's heads are its ops that no other op of the object happened before, checked
 *       pair by pair over plain maps of the clocks ({@link #happenedBefore});</li>
 *   <li>its winner is the greatest head under {@link #rank}: the policy's {@code compare}, then
 *       the op id in unsigned UTF-8 byte order as the last tie-breaker (as
 *       {@link dev.syncmat.core.merge.MergeEngine#rank} documents);</li>
 *   <li>its {@link MaterializedObject} has the winner's type, tags, payload, deleted flag and
 *       clock, the pointwise maximum of all the object's clocks as context, and the number of
 *       heads.</li>
 * </ol>
 * The result depends on the set of ops only: order and repeats of the input do not matter. It
 * costs O(n²) clock comparisons per object, which is fine for test histories.
 *
 * <p>Immutable and thread-safe when the policy is (policies must be).
 */
public final class ReferenceModel {
    /** Unsigned UTF-8 byte order, computed over the encoded bytes (independently of the library's own). */
    static final Comparator<String> UTF8 = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private final MergePolicy policy;

    private ReferenceModel(MergePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The model of {@code policy}. */
    public static ReferenceModel of(MergePolicy policy) {
        return new ReferenceModel(policy);
    }

    /** The policy that ranks heads. */
    public MergePolicy policy() {
        return policy;
    }

    /**
     * Every object of {@code ops}, materialized, by object id in UTF-8 byte order. Repeats of an
     * op are ignored.
     *
     * @return an unmodifiable sorted map
     * @throws IllegalArgumentException if one op id is used by two ops with different content
     */
    public SortedMap<String, MaterializedObject> materialize(Collection<Op> ops) {
        SortedMap<String, MaterializedObject> objects = new TreeMap<>(UTF8);
        byObject(ops).forEach((objectId, all) -> objects.put(objectId, materializeObject(all)));
        return Collections.unmodifiableSortedMap(objects);
    }

    /**
     * The heads of every object of {@code ops}: its ops that no other op of the object happened
     * before, in UTF-8 byte order of their op ids. Repeats of an op are ignored.
     *
     * @return an unmodifiable map by object id, in UTF-8 byte order
     * @throws IllegalArgumentException if one op id is used by two ops with different content
     */
    public SortedMap<String, List<Op>> heads(Collection<Op> ops) {
        SortedMap<String, List<Op>> heads = new TreeMap<>(UTF8);
        byObject(ops).forEach((objectId, all) -> heads.put(objectId, headsOf(all)));
        return Collections.unmodifiableSortedMap(heads);
    }

    /**
     * Positive if {@code a} ranks above {@code b}: the policy's comparison, then the op id in
     * unsigned UTF-8 byte order.
     */
    public int rank(Op a, Op b) {
        int c = policy.compare(a, b);
        return c != 0 ? c : Arrays.compareUnsigned(utf8(a.opId()), utf8(b.opId()));
    }

    /**
     * Whether {@code x} happened strictly before {@code y}: no counter of x is above y's and at
     * least one is below (a missing actor counts 0). Equal clocks are concurrent, not before.
     */
    public static boolean happenedBefore(VectorClock x, VectorClock y) {
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

    private MaterializedObject materializeObject(List<Op> all) {
        List<Op> heads = headsOf(all);
        Op winner = heads.get(0);
        for (Op head : heads) {
            if (rank(head, winner) > 0) {
                winner = head;
            }
        }
        Map<String, Long> context = new HashMap<>();
        for (Op op : all) {
            op.clock().toMap().forEach((actor, n) -> context.merge(actor, n, Math::max));
        }
        return new MaterializedObject(winner.objectId(), winner.objectType(), winner.tags(), winner.payload(),
                winner.isDelete(), winner.clock(), VectorClock.of(context), winner.opId(), heads.size());
    }

    private static List<Op> headsOf(List<Op> all) {
        List<Op> heads = new ArrayList<>();
        for (Op x : all) {
            boolean superseded = false;
            for (Op y : all) {
                if (happenedBefore(x.clock(), y.clock())) {
                    superseded = true;
                    break;
                }
            }
            if (!superseded) {
                heads.add(x);
            }
        }
        heads.sort(Comparator.comparing(Op::opId, UTF8));
        return List.copyOf(heads);
    }

    /** The distinct ops of each object. */
    private static Map<String, List<Op>> byObject(Collection<Op> ops) {
        Map<String, List<Op>> byObject = new LinkedHashMap<>();
        for (Op op : distinct(ops)) {
            byObject.computeIfAbsent(op.objectId(), k -> new ArrayList<>()).add(op);
        }
        return byObject;
    }

    /**
     * The ops without repeats, in first-seen order.
     *
     * @throws IllegalArgumentException if one op id is used by two ops with different content
     */
    static Collection<Op> distinct(Collection<Op> ops) {
        Map<String, Op> byId = new LinkedHashMap<>();
        for (Op op : ops) {
            Op same = byId.putIfAbsent(op.opId(), op);
            if (same != null && !same.equals(op)) {
                throw new IllegalArgumentException("op id \"" + op.opId() + "\" is used by two different ops: "
                        + same + " and " + op);
            }
        }
        return byId.values();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
