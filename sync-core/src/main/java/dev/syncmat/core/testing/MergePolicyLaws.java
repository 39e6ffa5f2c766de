package dev.syncmat.core.testing;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks that a {@link MergePolicy} is what the merge needs: a deterministic total order of ops.
 * A policy that is not (it ranks payloads rock-paper-scissors, treats "close enough" timestamps as
 * a tie, remembers earlier calls, reads the wall clock) makes the winner depend on the order the
 * ops arrived in, and different servers, or a replay, end in different states.
 *
 * <h2>The laws</h2>
 * For generated ops {@code a}, {@code b}, {@code c} (see {@link Law} for each):
 * {@code id()} is non-empty and stable; {@code compare} and {@code reason} return normally;
 * antisymmetry ({@code sign(compare(a, b)) == -sign(compare(b, a))}, so an op ties with itself);
 * transitivity of both the order and the ties; determinism (the same answer when asked again,
 * after other questions, and from other threads); independence (the same answer for equal ops
 * built again from their fields or read back from their JSON form); and a non-null
 * {@code reason(winner, loser)} for every strict comparison.
 *
 * <p>The ops are ops of one object (mostly) built from pools of awkward values: equal payloads,
 * payloads equal as JSON but written differently ({@code 1}, {@code 1.0}, {@code 1e0}), deletes,
 * empty strings, arrays and objects, nested values, unicode from every plane, op ids whose UTF-16
 * and UTF-8 orders differ, equal and concurrent clocks, timestamps a fraction of a second apart.
 * The second and third op of a try are often the first with one or two fields changed, so near
 * ties are common. A policy that reads your payloads' fields needs payloads of your shape:
 * add them with {@link #payloads}.
 *
 * <h2>Use</h2>
 * From plain JUnit, {@code MergePolicyLaws.check(policy)} (or {@link #check(MergePolicy, long, int)}
 * with your seed and number of tries); it throws a {@link Violation}, an {@link AssertionError}
 * naming the law and a counterexample shrunk to as few and as simple ops as still break it, in
 * their JSON wire form. From a jqwik property, pass the ops jqwik generates to
 * {@link #checkOn(List)} and let jqwik shrink:
 * <pre>{@code
 * @Property
 * void myPolicyObeysTheLaws(@ForAll("ops") List<Op> ops) {
 *     MergePolicyLaws.of(myPolicy).checkOn(ops);
 * }
 *
 * @Provide
 * Arbitrary<List<Op>> ops() {
 *     return CausalHistoryArbitraries.policyOps();
 * }
 * }</pre>
 *
 * <p>Passing is evidence, not proof: determinism is checked by asking again, so a policy whose
 * answer changes only rarely (one that reads the hour of the day) passes unless the run happens
 * to cross the change. Such a policy is wrong all the same.
 *
 * <p>Instances are immutable and thread-safe; a check runs the policy on the calling thread and,
 * for the determinism law, on {@value #THREADS} threads it starts and joins. Needs no jqwik on the
 * class path.
 */
public final class MergePolicyLaws {
    /** The seed {@link #check(MergePolicy)} uses. */
    public static final long DEFAULT_SEED = 20_261_124L;
    /** The number of tries {@link #check(MergePolicy)} runs: three ops per try. */
    public static final int DEFAULT_TRIES = 1000;
    /** The number of threads that ask the same questions again for the determinism law. */
    public static final int THREADS = 4;
    private static final int MAX_SHRINK_PASSES = 20;

    /** A law a merge policy must obey. */
    public enum Law {
        /** {@code id()} is non-null, non-empty and returns the same id every time. */
        ID,
        /** {@code compare} and {@code reason} return normally for any two valid ops. */
        NO_EXCEPTION,
        /** {@code sign(compare(a, b)) == -sign(compare(b, a))}; in particular {@code compare(a, a) == 0}. */
        ANTISYMMETRY,
        /**
         * If {@code a >= b} and {@code b >= c} then {@code a >= c}, strictly if either step is strict;
         * ties are transitive too, so that the op id can break them consistently.
         */
        TRANSITIVITY,
        /** The same two ops compare the same way on every call, after any other calls, on any thread. */
        DETERMINISM,
        /**
         * The answer depends on the two ops' values only: equal ops built again from their fields or read
         * back from their JSON form compare the same way, and get the same reason.
         */
        INDEPENDENCE,
        /** {@code reason(winner, loser)} is non-null whenever {@code compare(winner, loser) > 0}. */
        REASON;

        /** The law's name as written in messages, e.g. {@code transitivity} or {@code no-exception}. */
        public String title() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A broken law: the message names the policy, the law and the ops (as {@code a}, {@code b},
     * {@code c}, in their JSON wire form) that break it. Immutable.
     */
    public static final class Violation extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final Law law;
        private final transient List<Op> ops;
        private final String detail;

        Violation(Law law, List<Op> ops, String detail, Throwable cause) {
            super(detail, cause);
            this.law = law;
            this.ops = List.copyOf(ops);
            this.detail = detail;
        }

        private Violation(Violation v, String message) {
            super(message, v.getCause());
            this.law = v.law;
            this.ops = v.ops;
            this.detail = v.detail;
        }

        /** The law that is broken. */
        public Law law() {
            return law;
        }

        /** The counterexample: the ops named {@code a}, {@code b}, {@code c} in the message, in that order. */
        public List<Op> ops() {
            return ops;
        }

        /** What happened, in terms of {@code a}, {@code b} and {@code c}, without the ops themselves. */
        public String detail() {
            return detail;
        }
    }

    private final MergePolicy policy;
    private final long seed;
    private final int tries;
    private final List<String> payloads;

    private MergePolicyLaws(MergePolicy policy, long seed, int tries, List<String> payloads) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.seed = seed;
        this.tries = tries;
        this.payloads = payloads;
    }

    /** The laws of {@code policy}, with the default seed and tries and the default payloads. */
    public static MergePolicyLaws of(MergePolicy policy) {
        return new MergePolicyLaws(policy, DEFAULT_SEED, DEFAULT_TRIES, List.of());
    }

    /**
     * Checks every law on {@value #DEFAULT_TRIES} tries from {@link #DEFAULT_SEED}.
     *
     * @throws Violation naming the first broken law and a shrunk counterexample
     */
    public static void check(MergePolicy policy) {
        of(policy).check();
    }

    /**
     * Checks every law on {@code tries} tries of three ops each, drawn from {@code seed}.
     *
     * @throws Violation naming the first broken law and a shrunk counterexample
     */
    public static void check(MergePolicy policy, long seed, int tries) {
        of(policy).seed(seed).tries(tries).check();
    }

    /** The same laws, drawing ops from {@code seed}. */
    public MergePolicyLaws seed(long seed) {
        return new MergePolicyLaws(policy, seed, tries, payloads);
    }

    /** The same laws on {@code tries} tries (&gt;= 1) of three ops each. */
    public MergePolicyLaws tries(int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be >= 1, but was " + tries);
        }
        return new MergePolicyLaws(policy, seed, tries, payloads);
    }

    /**
     * The same laws, with payloads of your domain (JSON texts) drawn for half the updates, before
     * the built-in awkward ones; for policies that read fields of the payload.
     *
     * @throws dev.syncmat.core.op.InvalidOpException if a text is not one JSON value
     */
    public MergePolicyLaws payloads(String... json) {
        List<String> all = new ArrayList<>(payloads);
        for (String text : json) {
            all.add(Objects.requireNonNull(text, "payload"));
        }
        // Parsed now, so that a text that is not JSON fails here rather than in check().
        new AwkwardOps(all);
        return new MergePolicyLaws(policy, seed, tries, List.copyOf(all));
    }

    /**
     * Runs the tries: every law on every try's three ops, then the determinism law again from
     * {@value #THREADS} threads over every pair compared. On a failure, shrinks the ops (fewer ops,
     * then simpler values) while the same law stays broken.
     *
     * @throws Violation naming the first broken law and the shrunk counterexample
     */
    public void check() {
        checkId();
        AwkwardOps pool = new AwkwardOps(payloads);
        Random random = new Random(seed);
        List<Op[]> asked = new ArrayList<>();
        List<Integer> answers = new ArrayList<>();
        for (int t = 1; t <= tries; t++) {
            List<AwkwardOps.Choice> choices = pool.triple(random);
            List<Op> ops = build(pool, choices);
            Violation v = violation(ops);
            if (v != null) {
                throw shrunk(pool, choices, v, "seed " + seed + ", try " + t + " of " + tries);
            }
            v = ask(ops, asked, answers);
            if (v != null) {
                throw withContext(v, "seed " + seed + ", try " + t + " of " + tries + ", not shrunk");
            }
        }
        Violation v = fromOtherThreads(asked, answers);
        if (v != null) {
            throw withContext(v, "seed " + seed + ", " + tries + " tries, found from another thread (not shrunk)");
        }
        checkId();
    }

    /**
     * Checks every law on these ops (one to a few; every pair and triple of them is tried),
     * without shrinking: for jqwik properties, which shrink themselves.
     *
     * @throws Violation naming the first broken law and the ops that break it
     */
    public void checkOn(List<Op> ops) {
        checkId();
        if (ops.isEmpty()) {
            return;
        }
        Violation v = violation(ops);
        if (v == null) {
            List<Op[]> asked = new ArrayList<>();
            List<Integer> answers = new ArrayList<>();
            v = ask(ops, asked, answers);
            if (v == null) {
                v = fromOtherThreads(asked, answers);
            }
        }
        if (v != null) {
            throw withContext(v, "on the " + ops.size() + " ops given");
        }
    }

    private void checkId() {
        String first;
        String second;
        try {
            first = policy.id();
            second = policy.id();
        } catch (RuntimeException e) {
            throw withContext(new Violation(Law.NO_EXCEPTION, List.of(), "id() threw " + e, e), null);
        }
        if (first == null || first.isEmpty()) {
            throw withContext(new Violation(Law.ID, List.of(), "id() returned " + (first == null ? "null" : "\"\""),
                    null), null);
        }
        if (!first.equals(second)) {
            throw withContext(new Violation(Law.ID, List.of(), "id() returned \"" + first + "\", then \"" + second
                    + "\"", null), null);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The laws on a few ops

    /** The first law the ops break, or null. */
    Violation violation(List<Op> ops) {
        try {
            return lawsOn(ops);
        } catch (ThrewException e) {
            return e.violation;
        }
    }

    private Violation lawsOn(List<Op> ops) {
        int n = ops.size();
        int[][] sign = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sign[i][j] = compare(ops, i, j);
            }
        }
        // Determinism first: every other law reads answers that must not change when asked again.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int again = compare(ops, i, j);
                if (again != sign[i][j]) {
                    return new Violation(Law.DETERMINISM, pick(ops, i, j), "compare(" + name(i, j, 0) + ", "
                            + name(i, j, 1) + ") returned " + word(sign[i][j]) + ", then " + word(again)
                            + " when asked again", null);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (sign[i][i] != 0) {
                return new Violation(Law.ANTISYMMETRY, List.of(ops.get(i)), "compare(a, a) is " + word(sign[i][i])
                        + ": an op must tie with itself, or compare(a, b) and compare(b, a) cannot have opposite signs",
                        null);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (sign[i][j] != -sign[j][i]) {
                    return new Violation(Law.ANTISYMMETRY, List.of(ops.get(i), ops.get(j)), "compare(a, b) is "
                            + word(sign[i][j]) + " and compare(b, a) is " + word(sign[j][i])
                            + "; they must have opposite signs", null);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    if (i == j || j == k || i == k || sign[i][j] < 0 || sign[j][k] < 0) {
                        continue;
                    }
                    boolean strict = sign[i][j] > 0 || sign[j][k] > 0;
                    if (strict ? sign[i][k] <= 0 : sign[i][k] != 0) {
                        return new Violation(Law.TRANSITIVITY, List.of(ops.get(i), ops.get(j), ops.get(k)),
                                "compare(a, b) is " + word(sign[i][j]) + " and compare(b, c) is " + word(sign[j][k])
                                        + ", but compare(a, c) is " + word(sign[i][k]) + "; it must be "
                                        + (strict ? "positive" : "0"), null);
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (sign[i][j] > 0) {
                    ConflictReason reason = reason(ops, i, j);
                    if (reason == null) {
                        return new Violation(Law.REASON, pick(ops, i, j), "compare(" + name(i, j, 0) + ", "
                                + name(i, j, 1) + ") is positive, but reason(" + name(i, j, 0) + ", " + name(i, j, 1)
                                + ") is null", null);
                    }
                    ConflictReason again = reason(ops, i, j);
                    if (!reason.equals(again)) {
                        return new Violation(Law.DETERMINISM, pick(ops, i, j), "reason(" + name(i, j, 0) + ", "
                                + name(i, j, 1) + ") returned " + reason + ", then " + again, null);
                    }
                }
            }
        }
        List<Op> rebuilt = new ArrayList<>();
        List<Op> readBack = new ArrayList<>();
        SyncJson json = SyncJson.create();
        for (Op op : ops) {
            rebuilt.add(op.toBuilder().build());
            readBack.add(json.readOp(json.writeOp(op)));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (List<Op> copies : List.of(rebuilt, readBack)) {
                    String how = copies == rebuilt ? "built again from their fields" : "read back from their JSON form";
                    int c = compare(List.of(copies.get(i), copies.get(j)), 0, 1);
                    if (c != sign[i][j]) {
                        return new Violation(Law.INDEPENDENCE, pick(ops, i, j), "compare(" + name(i, j, 0) + ", "
                                + name(i, j, 1) + ") is " + word(sign[i][j]) + ", but " + word(c)
                                + " for equal copies of them " + how, null);
                    }
                    if (c > 0 && !Objects.equals(reason(List.of(copies.get(i), copies.get(j)), 0, 1), reason(ops, i, j))) {
                        return new Violation(Law.INDEPENDENCE, pick(ops, i, j), "reason(" + name(i, j, 0) + ", "
                                + name(i, j, 1) + ") differs for equal copies of them " + how, null);
                    }
                }
            }
        }
        return null;
    }

    /**
     * Asks every ordered pair of {@code ops} once more, recording question and answer for
     * {@link #fromOtherThreads}; an exception is a violation.
     */
    private Violation ask(List<Op> ops, List<Op[]> asked, List<Integer> answers) {
        try {
            for (int i = 0; i < ops.size(); i++) {
                for (int j = 0; j < ops.size(); j++) {
                    asked.add(new Op[] {ops.get(i), ops.get(j)});
                    answers.add(compare(ops, i, j));
                }
            }
            return null;
        } catch (ThrewException e) {
            return e.violation;
        }
    }

    /** Asks the questions again from {@value #THREADS} threads at once, each in its own order. */
    private Violation fromOtherThreads(List<Op[]> asked, List<Integer> answers) {
        AtomicReference<Violation> found = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < asked.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed + t));
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i : order) {
                    if (found.get() != null) {
                        return;
                    }
                    Op[] pair = asked.get(i);
                    List<Op> ops = List.of(pair[0], pair[1]);
                    try {
                        int c = Integer.signum(policy.compare(pair[0], pair[1]));
                        if (c != answers.get(i)) {
                            found.compareAndSet(null, new Violation(Law.DETERMINISM, pair[0] == pair[1] ? List.of(pair[0]) : ops,
                                    "compare(a, " + (pair[0] == pair[1] ? "a" : "b") + ") is " + word(answers.get(i))
                                            + " on the calling thread, but " + word(c) + " on "
                                            + Thread.currentThread().getName(), null));
                        }
                    } catch (RuntimeException e) {
                        found.compareAndSet(null, new Violation(Law.NO_EXCEPTION, ops, "compare(a, b) threw " + e
                                + " on " + Thread.currentThread().getName(), e));
                    }
                }
            }, "merge-policy-laws-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking the determinism law", e);
            }
        }
        return found.get();
    }

    /** A policy call threw: reported as a {@link Law#NO_EXCEPTION} violation. */
    private static final class ThrewException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Violation violation;

        ThrewException(Violation violation) {
            super(null, null, false, false);
            this.violation = violation;
        }
    }

    private int compare(List<Op> ops, int i, int j) {
        try {
            return Integer.signum(policy.compare(ops.get(i), ops.get(j)));
        } catch (RuntimeException e) {
            throw new ThrewException(new Violation(Law.NO_EXCEPTION, pick(ops, i, j), "compare(" + name(i, j, 0) + ", "
                    + name(i, j, 1) + ") threw " + e, e));
        }
    }

    private ConflictReason reason(List<Op> ops, int i, int j) {
        try {
            return policy.reason(ops.get(i), ops.get(j));
        } catch (RuntimeException e) {
            throw new ThrewException(new Violation(Law.NO_EXCEPTION, pick(ops, i, j), "reason(" + name(i, j, 0) + ", "
                    + name(i, j, 1) + ") threw " + e, e));
        }
    }

    /** The ops of a pair as the counterexample lists them: one op when i == j. */
    private static List<Op> pick(List<Op> ops, int i, int j) {
        return i == j ? List.of(ops.get(i)) : List.of(ops.get(i), ops.get(j));
    }

    /** The name of the {@code which}th op of the pair (i, j) in a counterexample made by {@link #pick}. */
    private static String name(int i, int j, int which) {
        return i == j || which == 0 ? "a" : "b";
    }

    private static String word(int sign) {
        return sign > 0 ? "positive" : sign < 0 ? "negative" : "0";
    }

    // ---------------------------------------------------------------------------------------------
    // Shrinking and reporting

    private static List<Op> build(AwkwardOps pool, List<AwkwardOps.Choice> choices) {
        List<Op> ops = new ArrayList<>(choices.size());
        for (AwkwardOps.Choice c : choices) {
            ops.add(pool.op(c));
        }
        return ops;
    }

    /**
     * Greedy shrinking: drop ops while the same law stays broken, then lower each field's index
     * (every pool lists its simplest value first) to the smallest that still breaks it, until
     * nothing changes.
     */
    private Violation shrunk(AwkwardOps pool, List<AwkwardOps.Choice> found, Violation first, String where) {
        Law law = first.law();
        List<AwkwardOps.Choice> current = new ArrayList<>(found);
        Violation best = first;
        int steps = 0;
        boolean changed = true;
        for (int pass = 0; changed && pass < MAX_SHRINK_PASSES; pass++) {
            changed = false;
            for (int i = 0; current.size() > 1 && i < current.size(); ) {
                List<AwkwardOps.Choice> fewer = new ArrayList<>(current);
                fewer.remove(i);
                Violation v = violation(build(pool, fewer));
                if (v != null && v.law() == law) {
                    current = fewer;
                    best = v;
                    steps++;
                    changed = true;
                } else {
                    i++;
                }
            }
            for (int i = 0; i < current.size(); i++) {
                int[] fields = current.get(i).toArray();
                for (int f = 0; f < fields.length; f++) {
                    for (int value = 0; value < fields[f]; value++) {
                        int[] simpler = fields.clone();
                        simpler[f] = value;
                        List<AwkwardOps.Choice> candidate = new ArrayList<>(current);
                        candidate.set(i, AwkwardOps.Choice.ofArray(simpler));
                        Violation v = violation(build(pool, candidate));
                        if (v != null && v.law() == law) {
                            current = candidate;
                            fields = simpler;
                            best = v;
                            steps++;
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        String shrinking = steps == 0 ? "not shrunk further" : "shrunk from " + found.size() + " ops in " + steps + " steps";
        return withContext(best, where + ", " + shrinking + "; MergePolicyLaws.of(policy).seed(" + seed + ").tries("
                + tries + ").check() repeats it");
    }

    /** The violation with its full message: policy, law, detail, the ops as JSON, and where it was found. */
    private Violation withContext(Violation v, String where) {
        String id;
        try {
            id = policy.id();
        } catch (RuntimeException e) {
            id = null;
        }
        StringBuilder sb = new StringBuilder("merge policy ")
                .append(id == null ? policy.getClass().getName() : "\"" + id + "\"")
                .append(" breaks the ").append(v.law().title()).append(" law: ").append(v.detail());
        SyncJson json = SyncJson.create();
        for (int i = 0; i < v.ops().size(); i++) {
            sb.append("\n  ").append((char) ('a' + i)).append(" = ").append(json.writeOp(v.ops().get(i)));
        }
        if (where != null) {
            sb.append("\n(").append(where).append(")");
        }
        return new Violation(v, sb.toString());
    }
}
