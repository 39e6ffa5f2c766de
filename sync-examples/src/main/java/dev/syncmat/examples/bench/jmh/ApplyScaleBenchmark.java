package dev.syncmat.examples.bench.jmh;

import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.op.Op;

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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * How the cost of applying ops changes with the number of objects held in memory, at 16 actors:
 * the three loops of {@link ApplyBenchmark} over a history of {@code objects} x
 * {@value ApplyBenchmark#OPS_PER_OBJECT} ops (built the same way, same seed, so the 10,000-object
 * history is the one {@code ApplyBenchmark} uses). With 1,000 objects the maps, states and clocks
 * stay in the CPU caches; with 100,000 they do not, for the baseline either.
 *
 * <p>Scores are milliseconds per pass over the whole history, because the number of ops differs
 * between configurations: divide by {@code objects} x {@value ApplyBenchmark#OPS_PER_OBJECT} for
 * the time per op, and compare methods as ratios within one configuration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ApplyScaleBenchmark {
    static final int ACTORS = 16;

    /** Objects in the history; each gets {@value ApplyBenchmark#OPS_PER_OBJECT} ops. */
    @Param({"1000", "10000", "100000"})
    public int objects;

    /** Percentage of ops whose writer had not seen the object's latest op. */
    @Param({"0", "30"})
    public int concurrentPercent;

    private Op[] ops;
    private final MergeEngine engine = MergeEngine.create();

    /** Builds the history once per trial and prints what it contains. */
    @Setup(Level.Trial)
    public void buildHistory() {
        ops = ApplyBenchmark.history(objects, ACTORS, concurrentPercent);
    }

    /** {@link ApplyBenchmark#engineApply}: the engine into a map of object states. */
    @Benchmark
    public int engineApply(Blackhole bh) {
        return ApplyBenchmark.applyAll(engine, ops, objects, bh);
    }

    /** {@link ApplyBenchmark#lookupAndCompareClocks}: the floor of any merge by vector clocks. */
    @Benchmark
    public int lookupAndCompareClocks(Blackhole bh) {
        return ApplyBenchmark.keepLatestByClock(ops, objects, bh);
    }

    /** {@link ApplyBenchmark#lastWriterWinsHashMap}: the baseline. */
    @Benchmark
    public int lastWriterWinsHashMap(Blackhole bh) {
        return ApplyBenchmark.putAll(ops, objects, bh);
    }
}
