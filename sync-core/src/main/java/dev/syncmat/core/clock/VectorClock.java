package dev.syncmat.core.clock;

import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.internal.JsonStrings;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An immutable vector clock: actor id to counter. A missing actor counts 0, so zero entries are
 * never stored; every stored counter is at least 1.
 *
 * <p>Entries are kept in two parallel arrays sorted by actor id in UTF-8 byte order, which makes
 * {@link #compare}, {@link #merge} and {@link #equals} linear walks, and iteration,
 * {@link #toJson()} and {@link #toString()} deterministic. Counters are stored as {@code int}s
 * while every one fits, which halves what a merge reads from memory; a clock with a counter above
 * {@link Integer#MAX_VALUE} keeps them all as {@code long}s. The two forms behave the same.
 *
 * <p>Clocks are partially ordered; this class deliberately does not implement {@link Comparable}.
 * Thread-safe: immutable (clocks naming the same actors may share one immutable actor array,
 * through a bounded table that never changes a result).
 */
public final class VectorClock {
    private static final String[] NO_ACTORS = new String[0];
    private static final int[] NO_COUNTERS = new int[0];
    private static final VectorClock EMPTY = new VectorClock(NO_ACTORS, NO_COUNTERS);

    // Actor arrays are immutable, so clocks that name the same actors can share one: it saves the
    // array per clock, and compare() and merge() of two clocks sharing it read counters only.
    // Clocks derived from one another share it already; clocks read from JSON or a database row
    // each build their own, so the factories look it up here. Direct-mapped and bounded: a new
    // actor list takes over its slot, and only lists of at most SHARED_MAX_ACTORS ids and
    // SHARED_MAX_CHARS characters in all are kept, so whatever the input the table pins under
    // 8 MB (a few KB for typical ids). Sharing changes no result.
    private static final int SHARED_SLOTS = 512;
    private static final int SHARED_MAX_ACTORS = 256;
    private static final int SHARED_MAX_CHARS = 2048;
    private static final AtomicReferenceArray<String[]> SHARED = new AtomicReferenceArray<>(SHARED_SLOTS);

    // Bits of counterSigns().
    private static final int SOME_LESS = 2;
    private static final int SOME_GREATER = 1;

    private final String[] actors;
    // Exactly one of the two is set, and which one is canonical: wide iff some counter exceeds
    // Integer.MAX_VALUE. Equal clocks therefore hold equal arrays of the same kind.
    private final int[] counters;
    private final long[] wide;
    private int hash;

    private VectorClock(String[] actors, int[] counters) {
        this.actors = actors;
        this.counters = counters;
        this.wide = null;
    }

    private VectorClock(String[] actors, long[] wide) {
        this.actors = actors;
        this.counters = null;
        this.wide = wide;
    }

    // The canonical clock for counters given as longs: ints when every one fits.
    private static VectorClock ofLongs(String[] actors, long[] counters) {
        for (long c : counters) {
            if (c > Integer.MAX_VALUE) {
                return new VectorClock(actors, counters);
            }
        }
        int[] narrow = new int[counters.length];
        for (int k = 0; k < narrow.length; k++) {
            narrow[k] = (int) counters[k];
        }
        return new VectorClock(actors, narrow);
    }

    // The shared array equal to actors, which becomes the shared one if its slot holds another.
    private static String[] shared(String[] actors) {
        if (actors.length > SHARED_MAX_ACTORS) {
            return actors;
        }
        int h = 1;
        int chars = 0;
        for (String actor : actors) {
            h = 31 * h + actor.hashCode();
            chars += actor.length();
        }
        if (chars > SHARED_MAX_CHARS) {
            return actors;
        }
        int slot = (h ^ h >>> 16) & (SHARED_SLOTS - 1);
        String[] cached = SHARED.get(slot);
        if (cached != null && Arrays.equals(cached, actors)) {
            return cached;
        }
        SHARED.set(slot, actors);
        return actors;
    }

    /** Whether both clocks hold one actor array; for tests of the sharing above. */
    boolean sharesActorsWith(VectorClock other) {
        return actors == other.actors;
    }

    /** The clock with no entries, which every other clock dominates. */
    public static VectorClock empty() {
        return EMPTY;
    }

    /** A clock with one entry. */
    public static VectorClock of(String actor, long counter) {
        checkEntry(actor, counter);
        return ofLongs(shared(new String[] {actor}), new long[] {counter});
    }

    /**
     * A clock with the given entries, given as alternating actor ids and counters:
     * {@code VectorClock.of("c1", 3, "c2", 1)}.
     *
     * @throws InvalidClockException if an actor is empty or repeated, or a counter is below 1
     */
    public static VectorClock of(Object... actorsAndCounters) {
        if (actorsAndCounters.length % 2 != 0) {
            throw new IllegalArgumentException("expected actor/counter pairs, but got " + actorsAndCounters.length + " values");
        }
        Map<String, Long> map = new TreeMap<>(Utf8Order.COMPARATOR);
        for (int i = 0; i < actorsAndCounters.length; i += 2) {
            String actor = (String) actorsAndCounters[i];
            long counter = ((Number) actorsAndCounters[i + 1]).longValue();
            if (map.put(actor, counter) != null) {
                throw new InvalidClockException("actor \"" + actor + "\" appears twice");
            }
        }
        return of(map);
    }

    /**
     * A clock with the entries of {@code entries}.
     *
     * @throws InvalidClockException if an actor id is null or empty, or a counter is below 1
     */
    public static VectorClock of(Map<String, Long> entries) {
        if (entries.isEmpty()) {
            return EMPTY;
        }
        String[] a = new String[entries.size()];
        long[] c = new long[entries.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : entries.entrySet()) {
            Long counter = e.getValue();
            if (counter == null) {
                throw new InvalidClockException("clock counter for actor \"" + e.getKey() + "\" must be a number, but was null");
            }
            checkEntry(e.getKey(), counter);
            a[i] = e.getKey();
            c[i] = counter;
            i++;
        }
        sort(a, c);
        for (int k = 1; k < a.length; k++) {
            if (a[k - 1].equals(a[k])) {
                throw new InvalidClockException("actor \"" + a[k] + "\" appears twice");
            }
        }
        return ofLongs(shared(a), c);
    }

    private static void checkEntry(String actor, long counter) {
        if (actor == null || actor.isEmpty()) {
            throw new InvalidClockException("clock actor id must not be empty");
        }
        if (Utf8Order.firstUnstorableChar(actor) >= 0) {
            throw new InvalidClockException("clock actor id \"" + actor + "\" contains U+0000 or an unpaired surrogate");
        }
        if (counter < 1) {
            throw new InvalidClockException("clock counter for actor \"" + actor + "\" must be >= 1, but was " + counter);
        }
    }

    // Insertion sort is fine for the sizes maps hand us when they are already sorted (TreeMap);
    // otherwise fall back to an index sort.
    private static void sort(String[] a, long[] c) {
        boolean sorted = true;
        for (int k = 1; k < a.length && sorted; k++) {
            sorted = Utf8Order.compare(a[k - 1], a[k]) < 0;
        }
        if (sorted) {
            return;
        }
        Integer[] idx = new Integer[a.length];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (x, y) -> Utf8Order.compare(a[x], a[y]));
        String[] a2 = new String[a.length];
        long[] c2 = new long[c.length];
        for (int k = 0; k < idx.length; k++) {
            a2[k] = a[idx[k]];
            c2[k] = c[idx[k]];
        }
        System.arraycopy(a2, 0, a, 0, a.length);
        System.arraycopy(c2, 0, c, 0, c.length);
    }

    /** The counter of {@code actor}, 0 when absent. O(log n). */
    public long get(String actor) {
        int lo = 0;
        int hi = actors.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Utf8Order.compare(actors[mid], actor);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return counterAt(mid);
            }
        }
        return 0;
    }

    /** Number of actors with a counter >= 1. */
    public int size() {
        return actors.length;
    }

    /** Whether no actor has a counter. */
    public boolean isEmpty() {
        return actors.length == 0;
    }

    /** Actor id at position {@code i} in UTF-8 order; with {@link #counterAt} for allocation-free iteration. */
    public String actorAt(int i) {
        return actors[i];
    }

    /** Counter at position {@code i} in UTF-8 order of actor ids. */
    public long counterAt(int i) {
        int[] c = counters;
        return c != null ? c[i] : wide[i];
    }

    /** The entries as an unmodifiable map sorted by actor id in UTF-8 byte order. */
    public SortedMap<String, Long> toMap() {
        TreeMap<String, Long> map = new TreeMap<>(Utf8Order.COMPARATOR);
        for (int i = 0; i < actors.length; i++) {
            map.put(actors[i], counterAt(i));
        }
        return Collections.unmodifiableSortedMap(map);
    }

    /**
     * How this clock relates to {@code other}. One linear walk over both sorted entry lists: O(n + m)
     * actor comparisons, no allocation.
     */
    public ClockOrder compare(VectorClock other) {
        if (this == other) {
            return ClockOrder.EQUAL;
        }
        int[] ca = counters;
        int[] cb = other.counters;
        if (ca == null || cb == null) {
            return compareFrom(0, other, false, false);
        }
        String[] a = actors;
        String[] b = other.actors;
        if (ca.length == cb.length && sameActors(a, b)) {
            // Both clocks name the same actors at the same positions (the usual case for clocks of
            // one object, which mostly share the array itself through SHARED or derivation), so
            // only counters decide. They are read without a data-dependent branch: a mispredicted
            // branch here, resolved only once the caller's cache misses return, would throw away
            // the loads the CPU had started for the caller's next op.
            int signs = counterSigns(ca, cb);
            return order((signs & SOME_LESS) != 0, (signs & SOME_GREATER) != 0);
        }
        boolean less = false;
        boolean greater = false;
        // Otherwise walk while position k is the same actor on both sides, then the UTF-8 walk.
        int common = Math.min(a.length, b.length);
        int k = 0;
        while (k < common && a[k] == b[k]) {
            int x = ca[k];
            int y = cb[k];
            if (x != y) {
                if (x < y) {
                    less = true;
                } else {
                    greater = true;
                }
                if (less && greater) {
                    return ClockOrder.CONCURRENT;
                }
            }
            k++;
        }
        if (k == a.length && k == b.length) {
            return order(less, greater);
        }
        return compareFrom(k, other, less, greater);
    }

    // Which signs the differences ca[k] - cb[k] take (arrays of equal length): SOME_LESS if some is
    // negative, SOME_GREATER if some is positive. No data-dependent branch (see compare()); counters
    // are >= 1 and fit an int, so d cannot overflow and -d has the opposite sign.
    private static int counterSigns(int[] ca, int[] cb) {
        int neg = 0;
        int pos = 0;
        for (int k = 0; k < ca.length; k++) {
            int d = ca[k] - cb[k];
            neg |= d;
            pos |= -d;
        }
        return (neg >>> 31) * SOME_LESS | (pos >>> 31) * SOME_GREATER;
    }

    // The rest of compare() once the actor ids at position k differ or one clock has ended, or
    // when a clock holds wide counters: the UTF-8 walk. Kept apart so that the common case above
    // stays small enough to be inlined.
    private ClockOrder compareFrom(int k, VectorClock other, boolean less, boolean greater) {
        String[] a = actors;
        String[] b = other.actors;
        int i = k;
        int j = k;
        while (i < a.length && j < b.length) {
            int c = Utf8Order.compare(a[i], b[j]);
            if (c == 0) {
                long x = counterAt(i);
                long y = other.counterAt(j);
                if (x < y) {
                    less = true;
                } else if (x > y) {
                    greater = true;
                }
                i++;
                j++;
            } else if (c < 0) {
                greater = true;
                i++;
            } else {
                less = true;
                j++;
            }
            if (less && greater) {
                return ClockOrder.CONCURRENT;
            }
        }
        return order(less || j < b.length, greater || i < a.length);
    }

    private static ClockOrder order(boolean less, boolean greater) {
        if (less) {
            return greater ? ClockOrder.CONCURRENT : ClockOrder.BEFORE;
        }
        return greater ? ClockOrder.AFTER : ClockOrder.EQUAL;
    }

    /** Whether this clock is strictly after {@code other}. */
    public boolean dominates(VectorClock other) {
        return compare(other) == ClockOrder.AFTER;
    }

    /** The pointwise maximum of both clocks. Returns {@code this} or {@code other} when one already covers the other. */
    public VectorClock merge(VectorClock other) {
        int[] ca = counters;
        int[] cb = other.counters;
        String[] a = actors;
        String[] b = other.actors;
        if (ca != null && cb != null && ca.length == cb.length && sameActors(a, b)) {
            // Same actors at the same positions: the walk of compare(), then the maximum.
            int signs = counterSigns(ca, cb);
            if ((signs & SOME_LESS) == 0) {
                return this;
            }
            if ((signs & SOME_GREATER) == 0) {
                return other;
            }
            int[] rc = new int[ca.length];
            for (int k = 0; k < rc.length; k++) {
                rc[k] = Math.max(ca[k], cb[k]);
            }
            return new VectorClock(a, rc);
        }
        // Most merges (an object's context with an op that supersedes it) find one side covering
        // the other; finding that out first costs a walk with no allocation.
        ClockOrder order = compare(other);
        if (order == ClockOrder.EQUAL || order == ClockOrder.AFTER) {
            return this;
        }
        if (order == ClockOrder.BEFORE) {
            return other;
        }
        // Concurrent, with different actors (or wide counters): neither input is the result.
        String[] ra = new String[a.length + b.length];
        long[] rc = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int c = i == a.length ? 1 : j == b.length ? -1 : Utf8Order.compare(a[i], b[j]);
            if (c == 0) {
                ra[n] = a[i];
                rc[n] = Math.max(counterAt(i), other.counterAt(j));
                i++;
                j++;
            } else if (c < 0) {
                ra[n] = a[i];
                rc[n] = counterAt(i);
                i++;
            } else {
                ra[n] = b[j];
                rc[n] = other.counterAt(j);
                j++;
            }
            n++;
        }
        // When the result names exactly one side's actors, share that side's (immutable) array: it
        // saves memory, and compare() between clocks sharing an array looks at counters only.
        String[] actorsOut = n == a.length ? a : n == b.length ? b : shared(n == ra.length ? ra : Arrays.copyOf(ra, n));
        return ofLongs(actorsOut, n == rc.length ? rc : Arrays.copyOf(rc, n));
    }

    // Same actor ids at every position (arrays of equal length); the arrays are then
    // interchangeable (both are immutable).
    private static boolean sameActors(String[] a, String[] b) {
        if (a == b) {
            return true;
        }
        for (int k = 0; k < a.length; k++) {
            if (a[k] != b[k] && !a[k].equals(b[k])) {
                return false;
            }
        }
        return true;
    }

    /**
     * This clock with {@code actor}'s counter one higher (1 when absent): the clock of the next op
     * that actor writes after seeing everything this clock covers.
     */
    public VectorClock increment(String actor) {
        long current = get(actor);
        if (current == Long.MAX_VALUE) {
            throw new InvalidClockException("clock counter for actor \"" + actor + "\" cannot be incremented past " + Long.MAX_VALUE);
        }
        boolean added = current == 0;
        if (added) {
            checkEntry(actor, 1);
        }
        int pos = added ? insertionPoint(actor) : indexOf(actor);
        int n = added ? actors.length + 1 : actors.length;
        // Entries after pos move up by one when the actor is new.
        int shift = n - actors.length;
        String[] a = actors;
        if (added) {
            a = new String[n];
            System.arraycopy(actors, 0, a, 0, pos);
            System.arraycopy(actors, pos, a, pos + shift, actors.length - pos);
            a[pos] = actor;
            a = shared(a);
        }
        long next = current + 1;
        int[] ci = counters;
        if (ci != null && next <= Integer.MAX_VALUE) {
            int[] c = new int[n];
            System.arraycopy(ci, 0, c, 0, pos);
            System.arraycopy(ci, pos, c, pos + shift, ci.length - pos);
            c[pos] = (int) next;
            return new VectorClock(a, c);
        }
        // Wide either way: a counter above Integer.MAX_VALUE is already there, or this one is it.
        long[] c = new long[n];
        for (int j = 0; j < actors.length; j++) {
            c[j < pos ? j : j + shift] = counterAt(j);
        }
        c[pos] = next;
        return new VectorClock(a, c);
    }

    // Position of the actor, which is present.
    private int indexOf(String actor) {
        int i = 0;
        while (!actors[i].equals(actor)) {
            i++;
        }
        return i;
    }

    // Where an absent actor goes to keep UTF-8 order.
    private int insertionPoint(String actor) {
        int pos = actors.length;
        while (pos > 0 && Utf8Order.compare(actors[pos - 1], actor) > 0) {
            pos--;
        }
        return pos;
    }

    /** Canonical JSON: an object with keys in UTF-8 byte order, e.g. {@code {"c1":3,"c2":1}}. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(2 + actors.length * 12);
        sb.append('{');
        for (int i = 0; i < actors.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonStrings.appendQuoted(sb, actors[i]);
            sb.append(':').append(counterAt(i));
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VectorClock)) {
            return false;
        }
        VectorClock other = (VectorClock) o;
        // The representation is canonical, so equal clocks hold the same kind of array.
        return Arrays.equals(counters, other.counters) && Arrays.equals(wide, other.wide) && Arrays.equals(actors, other.actors);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(actors) + (counters != null ? Arrays.hashCode(counters) : Arrays.hashCode(wide));
            hash = h;
        }
        return h;
    }

    /** The canonical JSON form. */
    @Override
    public String toString() {
        return toJson();
    }
}
