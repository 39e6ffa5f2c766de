package dev.syncmat.core.clock;

import dev.syncmat.core.Utf8Order;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The context aliases of one object: short names for long contexts, so that the clocks clients
 * carry stay bounded however many actors write the object.
 *
 * <p>Alias {@code k} (k = 1, 2, ...) is the clock entry {@code "~": k}. It stands for the clock
 * B<sub>k</sub>, the object's full context when the alias was made. Contexts only grow, so
 * B<sub>1</sub> &le; B<sub>2</sub> &le; ..., which is why one reserved actor with a counter is
 * enough: merging two clocks keeps the higher alias, and it stands for the larger clock.
 * <ul>
 *   <li>{@link #expand}: a clock naming {@code "~": k} means the clock without that entry, joined
 *       with B<sub>k</sub>. Expansion is exact: B<sub>k</sub> is a context the object had, so an
 *       op that names alias k has seen every op B<sub>k</sub> covers, and nothing else is added.
 *       The merge compares expanded clocks only, so an alias never makes an op dominate what it
 *       would not, nor concurrent with what it would dominate. It is a join homomorphism,
 *       {@code expand(a.merge(b)) == expand(a).merge(expand(b))}, because the B<sub>k</sub> form a
 *       chain.</li>
 *   <li>{@link #compress}: the context served to clients is {@code "~": n} (the latest alias) plus
 *       the entries of the full context above B<sub>n</sub>. It expands back to the full context
 *       exactly, so a client that merges it, increments its own actor and sends that dominates
 *       every head.</li>
 *   <li>{@link #next}: a store makes alias n+1 when more than a threshold T of the context's
 *       entries are above B<sub>n</sub>; then a served context has at most T + 1 entries.</li>
 * </ul>
 * Alias k is stored as the compressed form of B<sub>k</sub> under aliases 1..k-1 (which names
 * {@code "~": k-1} and holds only what is new), so storing all of an object's aliases costs about
 * as much as one full context, and {@link #with} reads them back in order.
 *
 * <p>Immutable and thread-safe. Memory is the sum of the stored forms plus one full context.
 */
public final class ContextAliases {
    /** The reserved actor id of alias entries; client clocks may name no other actor starting with it. */
    public static final String ACTOR = "~";

    /** The default threshold T: an alias is made once more than 64 context entries lie above the latest. */
    public static final int DEFAULT_THRESHOLD = 64;

    private static final ContextAliases NONE = new ContextAliases(List.of(), VectorClock.empty());

    // The stored form of alias k at index k-1, without its "~" entry: what alias k adds to k-1.
    private final List<VectorClock> deltas;
    // B_n, the clock the latest alias stands for; empty when there is none.
    private final VectorClock latest;

    private ContextAliases(List<VectorClock> deltas, VectorClock latest) {
        this.deltas = deltas;
        this.latest = latest;
    }

    /** An object without aliases: expansion and compression change nothing. */
    public static ContextAliases none() {
        return NONE;
    }

    /**
     * These aliases and alias {@link #latest()} + 1, given in its stored form: a clock naming
     * {@code "~": latest()} (no alias entry when there is none yet) and the entries it adds.
     *
     * @throws InvalidClockException if the stored form names another alias
     */
    public ContextAliases with(VectorClock stored) {
        long named = stored.get(ACTOR);
        if (named != deltas.size()) {
            throw new InvalidClockException("alias " + (deltas.size() + 1) + " must be stored relative to alias "
                    + deltas.size() + ", but named " + named);
        }
        VectorClock delta = without(stored);
        List<VectorClock> next = new ArrayList<>(deltas.size() + 1);
        next.addAll(deltas);
        next.add(delta);
        return new ContextAliases(List.copyOf(next), latest.merge(delta));
    }

    /**
     * Whether these are {@code earlier} with zero or more aliases added after its latest: then a
     * clock naming one of {@code earlier}'s aliases expands the same under both.
     */
    public boolean extend(ContextAliases earlier) {
        if (earlier.deltas.size() > deltas.size()) {
            return false;
        }
        for (int k = 0; k < earlier.deltas.size(); k++) {
            VectorClock mine = deltas.get(k);
            VectorClock theirs = earlier.deltas.get(k);
            if (mine != theirs && !mine.equals(theirs)) {
                return false;
            }
        }
        return true;
    }

    /** Number of aliases, which is the counter of the latest one; 0 when there is none. */
    public int latest() {
        return deltas.size();
    }

    /**
     * The stored form of alias {@code k}, as {@link #with} takes it: what it adds to alias k - 1,
     * with the entry {@code "~": k-1} when k > 1.
     */
    public VectorClock stored(int k) {
        if (k < 1 || k > deltas.size()) {
            throw new InvalidClockException("alias " + k + " does not exist (the latest is " + deltas.size() + ")");
        }
        VectorClock delta = deltas.get(k - 1);
        return k == 1 ? delta : delta.merge(VectorClock.of(ACTOR, k - 1));
    }

    /** The full clock alias {@code k} stands for. */
    public VectorClock clockOf(int k) {
        if (k < 1 || k > deltas.size()) {
            throw new InvalidClockException("alias " + k + " does not exist (the latest is " + deltas.size() + ")");
        }
        if (k == deltas.size()) {
            return latest;
        }
        TreeMap<String, Long> full = new TreeMap<>(Utf8Order.COMPARATOR);
        for (int i = 0; i < k; i++) {
            VectorClock d = deltas.get(i);
            for (int j = 0; j < d.size(); j++) {
                full.merge(d.actorAt(j), d.counterAt(j), Math::max);
            }
        }
        return VectorClock.of(full);
    }

    /** Whether {@code clock} names an alias (has an entry for {@link #ACTOR}). */
    public static boolean namesAlias(VectorClock clock) {
        return clock.get(ACTOR) != 0;
    }

    /**
     * The clock {@code clock} stands for: itself when it names no alias, else itself without the
     * alias entry joined with the clock that alias stands for.
     *
     * @throws InvalidClockException if it names an alias this object does not have
     */
    public VectorClock expand(VectorClock clock) {
        long k = clock.get(ACTOR);
        if (k == 0) {
            return clock;
        }
        if (k > deltas.size()) {
            throw new InvalidClockException("clock names alias \"" + ACTOR + "\": " + k + ", but the object has "
                    + (deltas.isEmpty() ? "no aliases" : "aliases up to " + deltas.size()));
        }
        return without(clock).merge(clockOf((int) k));
    }

    /**
     * The short form of {@code context}, a full context of this object (one that covers the latest
     * alias): {@code "~": latest()} plus its entries above that alias; {@code context} itself when
     * there is no alias.
     *
     * @throws IllegalArgumentException if {@code context} names an alias or does not cover the latest one
     */
    public VectorClock compress(VectorClock context) {
        if (namesAlias(context)) {
            throw new IllegalArgumentException("a full context names no alias, but was given " + context);
        }
        if (deltas.isEmpty()) {
            return context;
        }
        ClockOrder order = context.compare(latest);
        if (order == ClockOrder.BEFORE || order == ClockOrder.CONCURRENT) {
            throw new IllegalArgumentException("context " + context + " does not cover alias " + deltas.size());
        }
        TreeMap<String, Long> out = new TreeMap<>(Utf8Order.COMPARATOR);
        out.put(ACTOR, (long) deltas.size());
        long[] base = countersInLatest(context);
        for (int i = 0; i < context.size(); i++) {
            long c = context.counterAt(i);
            if (c > base[i]) {
                out.put(context.actorAt(i), c);
            }
        }
        return VectorClock.of(out);
    }

    /**
     * The stored form of the next alias when {@code context} (a full context of this object) has
     * more than {@code threshold} entries above the latest alias; empty otherwise. After it is
     * added with {@link #with}, {@link #compress} of that context is {@code {"~": latest()}}.
     */
    public Optional<VectorClock> next(VectorClock context, int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must be >= 0, but was " + threshold);
        }
        int above = 0;
        long[] base = countersInLatest(context);
        for (int i = 0; i < context.size(); i++) {
            if (context.counterAt(i) > base[i]) {
                above++;
            }
        }
        return above > threshold ? Optional.of(compress(context)) : Optional.empty();
    }

    /**
     * For each entry of {@code clock}, in its order, the counter the latest alias's clock has for
     * that actor (0 when it has none): one walk over both, which are sorted alike, in O(size of
     * both) rather than a search per entry. A push into an object with many actors does this twice.
     */
    private long[] countersInLatest(VectorClock clock) {
        long[] base = new long[clock.size()];
        int j = 0;
        for (int i = 0; i < clock.size(); i++) {
            String actor = clock.actorAt(i);
            while (j < latest.size() && Utf8Order.compare(latest.actorAt(j), actor) < 0) {
                j++;
            }
            if (j < latest.size() && latest.actorAt(j).equals(actor)) {
                base[i] = latest.counterAt(j);
            }
        }
        return base;
    }

    /** {@code clock} without its alias entry. */
    public static VectorClock without(VectorClock clock) {
        if (!namesAlias(clock)) {
            return clock;
        }
        TreeMap<String, Long> rest = new TreeMap<>(clock.toMap());
        rest.remove(ACTOR);
        return VectorClock.of(rest);
    }

    @Override
    public String toString() {
        return "ContextAliases{latest=" + deltas.size() + "}";
    }
}
