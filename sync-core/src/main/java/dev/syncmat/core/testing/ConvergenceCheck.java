package dev.syncmat.core.testing;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a whole system end to end: that delivering the ops of a history in any order, cut into
 * any batches and with ops sent more than once, always ends in the state the
 * {@link ReferenceModel} computes. The system is anything you can hand batches of ops to and read
 * every object back from: an in-memory materializer, a store, a service over HTTP.
 *
 * <pre>{@code
 * ConvergenceCheck.of(MergePolicy.deleteWins()).runs(8).seed(42).check(history, batches -> {
 *     String tenant = freshTenant();                 // each delivery starts from an empty state
 *     for (List<Op> batch : batches) {
 *         push(tenant, batch);
 *     }
 *     return pullAll(tenant);                        // every object, as the system materialized it
 * });
 * }</pre>
 *
 * <p>Each run delivers every op of the history at least once: run 1 shuffled, in random batches,
 * with duplicates; run 2 in reverse history order, one op per batch; run 3 in history order, in one
 * batch; every further run shuffled, batched and duplicated again. Duplicates are single ops sent
 * again at a random later place (at {@link #duplicateRate}) and, at half that rate, whole batches
 * sent twice in a row, as a client does that retries after a timeout. Every run starts from
 * {@link #seed} and its number, so the same check always makes the same deliveries.
 *
 * <p>On the first run that does not end in the model's state, it throws an {@link AssertionError}
 * naming the run and how it delivered, the first object (in UTF-8 byte order of ids) that
 * differs, missing or extra, the expected and actual object in their JSON wire form, the fields
 * that differ, and that object's ops in delivery order with their batch numbers. An exception
 * from the system fails the check the same way, with the exception as the cause.
 *
 * <p>Instances are immutable and thread-safe; the check calls the system on the calling thread,
 * one run after the other. Needs no jqwik on the class path.
 */
public final class ConvergenceCheck {
    /** The number of runs unless {@link #runs} says otherwise. */
    public static final int DEFAULT_RUNS = 10;
    /** The largest batch unless {@link #maxBatch} says otherwise. */
    public static final int DEFAULT_MAX_BATCH = 16;
    /** The share of ops sent twice unless {@link #duplicateRate} says otherwise. */
    public static final double DEFAULT_DUPLICATE_RATE = 0.2;
    private static final int MAX_LISTED_OPS = 200;

    /**
     * The system under test: it receives the batches of one delivery, delivers them in order,
     * and returns every object it then holds.
     */
    @FunctionalInterface
    public interface Subject {
        /**
         * Delivers {@code batches} in order to a fresh, empty state (a new tenant, a new database)
         * and returns every object of that state, in any order.
         *
         * @param batches the delivery; unmodifiable
         * @throws Exception anything; it fails the check with the run's description
         */
        Collection<MaterializedObject> deliver(List<List<Op>> batches) throws Exception;
    }

    private final ReferenceModel model;
    private final int runs;
    private final long seed;
    private final int maxBatch;
    private final double duplicateRate;

    private ConvergenceCheck(ReferenceModel model, int runs, long seed, int maxBatch, double duplicateRate) {
        this.model = model;
        this.runs = runs;
        this.seed = seed;
        this.maxBatch = maxBatch;
        this.duplicateRate = duplicateRate;
    }

    /** A check against the {@link ReferenceModel} of {@code policy}, the policy the system is configured with. */
    public static ConvergenceCheck of(MergePolicy policy) {
        return new ConvergenceCheck(ReferenceModel.of(policy), DEFAULT_RUNS, 0, DEFAULT_MAX_BATCH, DEFAULT_DUPLICATE_RATE);
    }

    /** The same check with {@code n} deliveries (n &gt;= 1). */
    public ConvergenceCheck runs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("runs must be >= 1, but was " + n);
        }
        return new ConvergenceCheck(model, n, seed, maxBatch, duplicateRate);
    }

    /** The same check with deliveries drawn from {@code seed}. */
    public ConvergenceCheck seed(long seed) {
        return new ConvergenceCheck(model, runs, seed, maxBatch, duplicateRate);
    }

    /** The same check with random batches of 1 to {@code n} ops (n &gt;= 1). */
    public ConvergenceCheck maxBatch(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, but was " + n);
        }
        return new ConvergenceCheck(model, runs, seed, n, duplicateRate);
    }

    /** The same check sending this share of ops (0 to 1) a second time in the shuffled runs. */
    public ConvergenceCheck duplicateRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("duplicateRate must be between 0 and 1, but was " + rate);
        }
        return new ConvergenceCheck(model, runs, seed, maxBatch, rate);
    }

    /**
     * Runs the deliveries of the history's ops through {@code subject}.
     *
     * @throws AssertionError on the first run whose result differs from the model's
     */
    public void check(CausalHistory history, Subject subject) {
        check(history.ops(), subject);
    }

    /**
     * Runs the deliveries of {@code ops} (any set of ops with unique ids) through {@code subject}.
     *
     * @throws AssertionError           on the first run whose result differs from the model's
     * @throws IllegalArgumentException if one op id is used by two different ops
     */
    public void check(Collection<Op> ops, Subject subject) {
        Objects.requireNonNull(subject, "subject");
        List<Op> distinct = new ArrayList<>(ReferenceModel.distinct(ops));
        SortedMap<String, MaterializedObject> expected = model.materialize(distinct);
        for (int run = 1; run <= runs; run++) {
            Delivery delivery = delivery(distinct, run);
            Collection<MaterializedObject> actual;
            try {
                actual = subject.deliver(delivery.batches());
            } catch (Exception | AssertionError e) {
                throw new AssertionError(delivery.describe(run, runs, seed) + ": the subject threw " + e, e);
            }
            String difference = difference(expected, actual, delivery);
            if (difference != null) {
                throw new AssertionError(delivery.describe(run, runs, seed) + " does not converge: " + difference);
            }
        }
    }

    /** The batches of run {@code run} (1-based) over {@code ops}; what {@link #check} delivers. */
    public List<List<Op>> deliveryOf(Collection<Op> ops, int run) {
        if (run < 1) {
            throw new IllegalArgumentException("run must be >= 1, but was " + run);
        }
        return delivery(new ArrayList<>(ReferenceModel.distinct(ops)), run).batches();
    }

    /** One delivery: its batches and how they were made. */
    private record Delivery(List<List<Op>> batches, String how, int duplicates) {
        String describe(int run, int runs, long seed) {
            int ops = batches.stream().mapToInt(List::size).sum();
            return "run " + run + " of " + runs + " (seed " + seed + "; " + how + ": " + ops + " ops, " + duplicates
                    + " of them again, in " + batches.size() + " batches)";
        }
    }

    private Delivery delivery(List<Op> ops, int run) {
        Random random = new Random(seed * 1_000_003L + run);
        if (run == 2) {
            List<Op> reversed = new ArrayList<>(ops);
            Collections.reverse(reversed);
            List<List<Op>> batches = new ArrayList<>();
            reversed.forEach(op -> batches.add(List.of(op)));
            return new Delivery(List.copyOf(batches), "reverse history order, one op per batch", 0);
        }
        if (run == 3) {
            return new Delivery(ops.isEmpty() ? List.of() : List.of(List.copyOf(ops)), "history order, one batch", 0);
        }
        List<Op> order = new ArrayList<>(ops);
        Collections.shuffle(order, random);
        int duplicates = 0;
        for (Op op : ops) {
            if (random.nextDouble() < duplicateRate) {
                // Anywhere after the op's first place: in the same batch or a later one.
                int first = order.indexOf(op);
                order.add(first + 1 + random.nextInt(order.size() - first), op);
                duplicates++;
            }
        }
        List<List<Op>> batches = new ArrayList<>();
        for (int i = 0; i < order.size(); ) {
            int size = 1 + random.nextInt(maxBatch);
            List<Op> batch = List.copyOf(order.subList(i, Math.min(order.size(), i + size)));
            batches.add(batch);
            if (random.nextDouble() < duplicateRate / 2) {
                batches.add(batch);
                duplicates += batch.size();
            }
            i += size;
        }
        return new Delivery(List.copyOf(batches), "shuffled, random batches of up to " + maxBatch + ", duplicates", duplicates);
    }

    /** The first difference, described, or null when the actual objects are the expected ones. */
    private static String difference(SortedMap<String, MaterializedObject> expected,
                                     Collection<MaterializedObject> actualObjects, Delivery delivery) {
        SortedMap<String, MaterializedObject> actual = new TreeMap<>(ReferenceModel.UTF8);
        for (MaterializedObject o : actualObjects) {
            if (actual.put(o.objectId(), o) != null) {
                return "object \"" + o.objectId() + "\" was returned twice" + opsOf(o.objectId(), delivery);
            }
        }
        SortedSet<String> ids = new TreeSet<>(ReferenceModel.UTF8);
        ids.addAll(expected.keySet());
        ids.addAll(actual.keySet());
        SyncJson json = SyncJson.create();
        for (String id : ids) {
            MaterializedObject want = expected.get(id);
            MaterializedObject got = actual.get(id);
            if (want != null && want.equals(got)) {
                continue;
            }
            StringBuilder sb = new StringBuilder("object \"").append(id).append("\" ");
            if (got == null) {
                sb.append("is missing\n  expected: ").append(json.writeObject(want));
            } else if (want == null) {
                sb.append("is not in the history\n  actual:   ").append(json.writeObject(got));
            } else {
                sb.append("differs in ").append(String.join(", ", fieldsThatDiffer(want, got)))
                        .append("\n  expected: ").append(json.writeObject(want))
                        .append("\n  actual:   ").append(json.writeObject(got));
            }
            return sb.append(opsOf(id, delivery)).toString();
        }
        return null;
    }

    private static List<String> fieldsThatDiffer(MaterializedObject a, MaterializedObject b) {
        List<String> fields = new ArrayList<>();
        Map<String, Boolean> same = new LinkedHashMap<>();
        same.put("objectType", a.objectType().equals(b.objectType()));
        same.put("tags", a.tags().equals(b.tags()));
        same.put("payload", Objects.equals(a.payload(), b.payload()));
        same.put("deleted", a.deleted() == b.deleted());
        same.put("clock", a.clock().equals(b.clock()));
        same.put("context", a.context().equals(b.context()));
        same.put("winnerOpId", a.winnerOpId().equals(b.winnerOpId()));
        same.put("heads", a.heads() == b.heads());
        same.forEach((field, equal) -> {
            if (!equal) {
                fields.add(field);
            }
        });
        return fields;
    }

    /** The object's ops in delivery order, with their batch numbers (a repeat is listed again). */
    private static String opsOf(String objectId, Delivery delivery) {
        SyncJson json = SyncJson.create();
        StringBuilder sb = new StringBuilder();
        int listed = 0;
        int total = 0;
        for (int b = 0; b < delivery.batches().size(); b++) {
            for (Op op : delivery.batches().get(b)) {
                if (!op.objectId().equals(objectId)) {
                    continue;
                }
                total++;
                if (listed < MAX_LISTED_OPS) {
                    sb.append("\n    batch ").append(b + 1).append(": ").append(json.writeOp(op));
                    listed++;
                }
            }
        }
        String more = total > listed ? "\n    ... and " + (total - listed) + " more" : "";
        return "\n  its " + total + " deliveries of ops, in delivery order:" + sb + more;
    }
}
