package dev.syncmat.examples.bench.jmh;

import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.ClockOrder;
import dev.syncmat.core.clock.VectorClock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link VectorClock#compare} and {@link VectorClock#merge} on clocks of {@code actors} entries.
 *
 * <p>{@code base} holds every actor. {@code concurrent} has the same actors, one counter higher at
 * the middle entry and one lower at the last entry, so compare walks the whole clock before it can
 * answer {@code CONCURRENT}. {@code dominated} is {@code base} with two counters lower, so compare
 * walks everything and answers {@code AFTER}. Actor id strings are shared between the clocks, as
 * they are after the JSON reader canonicalizes object keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VectorClockBenchmark {
    /** Entries in each clock. */
    @Param({"2", "16", "256", "1000"})
    public int actors;

    private VectorClock base;
    private VectorClock concurrent;
    private VectorClock dominated;

    /** Builds the three clocks from a fixed seed and checks how they relate. */
    @Setup(Level.Trial)
    public void buildClocks() {
        SplittableRandom random = new SplittableRandom(42);
        String[] ids = new String[actors];
        long[] counters = new long[actors];
        for (int i = 0; i < actors; i++) {
            ids[i] = String.format(Locale.ROOT, "client-%04d", i);
            counters[i] = 2 + random.nextInt(10_000);
        }
        base = clock(ids, counters, -1, 0, -1, 0);
        // ids are in UTF-8 order already, so position k in the array is position k in the clock.
        int middle = (actors - 1) / 2;
        int last = actors - 1;
        concurrent = clock(ids, counters, middle, +1, last, -1);
        dominated = clock(ids, counters, middle, -1, last, -1);
        check(base.compare(concurrent) == ClockOrder.CONCURRENT, "base vs concurrent");
        check(base.compare(dominated) == ClockOrder.AFTER, "base vs dominated");
    }

    private static VectorClock clock(String[] ids, long[] counters, int i, long di, int j, long dj) {
        Map<String, Long> m = new TreeMap<>(Utf8Order.COMPARATOR);
        for (int k = 0; k < ids.length; k++) {
            m.put(ids[k], counters[k] + (k == i ? di : 0) + (k == j ? dj : 0));
        }
        return VectorClock.of(m);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark clocks are wrong: " + what);
        }
    }

    /** Compare of two clocks that differ in two entries, one each way. */
    @Benchmark
    public ClockOrder compareConcurrent() {
        return base.compare(concurrent);
    }

    /** Compare of a clock with one it dominates. */
    @Benchmark
    public ClockOrder compareDominated() {
        return base.compare(dominated);
    }

    /** Merge of two concurrent clocks: a new clock with the pointwise maximum. */
    @Benchmark
    public VectorClock mergeConcurrent() {
        return base.merge(concurrent);
    }
}
