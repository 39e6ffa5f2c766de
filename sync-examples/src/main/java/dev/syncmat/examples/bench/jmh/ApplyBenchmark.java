package dev.syncmat.examples.bench.jmh;

import dev.syncmat.core.clock.ClockOrder;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Apply throughput of the merge engine on a realistic causal history (see {@link CausalHistory}):
 * {@value #OBJECTS} objects, {@value #OPS_PER_OBJECT} ops each, interleaved. Each invocation
 * materializes the whole history from empty; scores are per op.
 *
 * <p>{@link #lastWriterWinsHashMap} is the baseline measured in the same run: a
 * {@code HashMap.put} of the same ops by object id, i.e. what "last delivery wins" costs with no
 * clocks at all. Compare {@link #engineApply} with it as a ratio, not the absolute numbers across
 * machines. {@link #lookupAndCompareClocks} is a second reference: the least any merge by vector
 * clocks does per op, to tell the engine's own cost from that of reading clocks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed heap keeps the collector's sizing out of the comparison between forks; touching it at
// start keeps first-touch page faults out of whichever benchmark happens to allocate into new
// pages first, as a long-running service would not pay them either.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
// Each invocation is 100k applies, so a second holds only a few dozen; the engine reached a
// steady score only after about 6 s of warmup at 16 actors on the reference machine.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ApplyBenchmark {
    static final int OBJECTS = 10_000;
    static final int OPS_PER_OBJECT = 10;
    static final int TOTAL_OPS = OBJECTS * OPS_PER_OBJECT;
    static final long SEED = 0x5EED_CAFEL;

    /** Actors in the pool; every op's clock holds this many entries. */
    @Param({"2", "16", "256"})
    public int actors;

    /** Percentage of ops whose writer had not seen the object's latest op. */
    @Param({"0", "5", "30"})
    public int concurrentPercent;

    private Op[] ops;
    private final MergeEngine engine = MergeEngine.create();

    /** Builds the history once per trial and prints what it contains. */
    @Setup(Level.Trial)
    public void buildHistory() {
        ops = history(OBJECTS, actors, concurrentPercent);
    }

    /**
     * The ops of the benchmark history for these parameters, in delivery order; prints what the
     * history contains. Shared with {@link ApplyScaleBenchmark}.
     */
    static Op[] history(int objects, int actors, int concurrentPercent) {
        CausalHistory history = CausalHistory.generate(objects, OPS_PER_OBJECT, actors, concurrentPercent, SEED);
        Op[] ops = history.ops().toArray(new Op[0]);
        System.out.println(history.describe());
        // Building the history leaves much garbage between the ops (JSON parsing); collect it now
        // so that every benchmark starts from the same compacted heap instead of a GC moving the
        // ops in the middle of a measurement.
        System.gc();
        return ops;
    }

    /** Applies every op in delivery order into a map of object states. */
    @Benchmark
    @OperationsPerInvocation(TOTAL_OPS)
    public int engineApply(Blackhole bh) {
        return applyAll(engine, ops, OBJECTS, bh);
    }

    /**
     * A floor for any merge by vector clocks, to tell the engine's own cost from the cost of
     * reading clocks: look up the object's latest op, compare the two clocks, keep the later one
     * (an op that is not after it is dropped). No heads, conflicts, policy or new state.
     */
    @Benchmark
    @OperationsPerInvocation(TOTAL_OPS)
    public int lookupAndCompareClocks(Blackhole bh) {
        return keepLatestByClock(ops, OBJECTS, bh);
    }

    /** Baseline: the last delivered op per object wins, with no clock comparison. */
    @Benchmark
    @OperationsPerInvocation(TOTAL_OPS)
    public int lastWriterWinsHashMap(Blackhole bh) {
        return putAll(ops, OBJECTS, bh);
    }

    // The three loops, shared with ApplyScaleBenchmark. Each starts from an empty map sized for
    // the history's objects and returns the number of objects it ends with.

    static int applyAll(MergeEngine engine, Op[] ops, int objects, Blackhole bh) {
        HashMap<String, ObjectState> states = new HashMap<>(2 * objects);
        for (Op op : ops) {
            ApplyResult r = engine.apply(states.get(op.objectId()), op);
            states.put(op.objectId(), r.state());
            bh.consume(r);
        }
        return states.size();
    }

    static int keepLatestByClock(Op[] ops, int objects, Blackhole bh) {
        HashMap<String, Op> latest = new HashMap<>(2 * objects);
        for (Op op : ops) {
            Op previous = latest.get(op.objectId());
            Op kept = previous == null || op.clock().compare(previous.clock()) == ClockOrder.AFTER ? op : previous;
            latest.put(op.objectId(), kept);
            bh.consume(kept);
        }
        return latest.size();
    }

    static int putAll(Op[] ops, int objects, Blackhole bh) {
        HashMap<String, Op> latest = new HashMap<>(2 * objects);
        for (Op op : ops) {
            bh.consume(latest.put(op.objectId(), op));
        }
        return latest.size();
    }
}
