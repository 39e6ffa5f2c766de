package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import dev.syncmat.core.testing.ConvergenceCheck;
import dev.syncmat.core.testing.ReferenceModel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The laws of the merge, over realistic causal histories (the kit's
 * {@link CausalHistoryArbitraries}), for the default policy and for
 * {@link MergePolicy#updateWins()} to show that a pluggable policy keeps them. The brute-force
 * model is the kit's {@link ReferenceModel}, given the built-in policies as the spec writes them
 * out ({@link WrittenOutPolicy}), so that the engine and its policies are both checked against
 * code that shares nothing with them.
 */
class MergeEngineProperties {

    @Provide
    Arbitrary<CausalHistory> histories() {
        return CausalHistoryArbitraries.histories();
    }

    @Provide
    Arbitrary<MergePolicy> policies() {
        return Arbitraries.of(MergePolicy.deleteWins(), MergePolicy.updateWins());
    }

    /** The generator is not trivial: it produces concurrency, deletes and resurrections. */
    @Property(tries = 1000)
    void historiesContainConcurrencyDeletesAndResurrections(@ForAll("histories") CausalHistory history) {
        Materializer m = Materializer.create();
        boolean merged = false;
        boolean resurrected = false;
        Map<String, Boolean> tombstoned = new HashMap<>();
        for (Op op : history.ops()) {
            ApplyResult r = m.apply(op);
            merged |= r.outcome() == Outcome.MERGED;
            boolean wasDeleted = tombstoned.getOrDefault(op.objectId(), false);
            resurrected |= wasDeleted && r.outcome() == Outcome.APPLIED && !op.isDelete();
            tombstoned.put(op.objectId(), r.state().isTombstone());
        }
        boolean stale = m.objects().stream().mapToInt(ObjectState::headCount).sum() < history.ops().size()
                && history.ops().stream().anyMatch(op -> m.get(op.objectId()).heads().stream().noneMatch(h -> h == op));
        Statistics.label("merged").collect(merged);
        Statistics.label("delete").collect(history.ops().stream().anyMatch(Op::isDelete));
        Statistics.label("resurrection").collect(resurrected);
        Statistics.label("superseded").collect(stale);
        Statistics.label("merged").coverage(c -> c.check(true).percentage(p -> p >= 30));
        Statistics.label("delete").coverage(c -> c.check(true).percentage(p -> p >= 40));
        Statistics.label("resurrection").coverage(c -> c.check(true).percentage(p -> p >= 5));
        Statistics.label("superseded").coverage(c -> c.check(true).percentage(p -> p >= 40));
    }

    /** Convergence: any permutation, batching and duplication of the same ops gives identical states. */
    @Property(tries = 1000)
    void deliveryOrderBatchingAndDuplicationDoNotChangeAnyState(@ForAll("histories") CausalHistory history,
                                                                @ForAll("policies") MergePolicy policy,
                                                                @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        Materializer inOrder = Materializer.of(engine);
        inOrder.applyAll(history.ops());

        Materializer scrambled = Materializer.of(engine);
        List<Op> delivery = scramble(history.ops(), random);
        for (List<Op> batch : batches(delivery, random)) {
            scrambled.applyAll(batch);
        }

        assertThat(new ArrayList<>(scrambled.objects())).isEqualTo(new ArrayList<>(inOrder.objects()));
    }

    /** Equivalence with a brute-force model: maximal elements, then the total order. */
    @Property(tries = 1000)
    void statesEqualTheBruteForceModel(@ForAll("histories") CausalHistory history, @ForAll("policies") MergePolicy policy,
                                       @ForAll Random random) {
        List<Op> delivery = scramble(history.ops(), random);
        Materializer m = Materializer.of(MergeEngine.of(policy));
        m.applyAll(delivery);

        ReferenceModel model = ReferenceModel.of(WrittenOutPolicy.of(policy));
        Map<String, MaterializedObject> expected = model.materialize(history.ops());
        Map<String, List<Op>> heads = model.heads(history.ops());
        assertThat(m.objects()).hasSize(expected.size());
        for (ObjectState state : m.objects()) {
            assertThat(MaterializedObject.of(state)).as("state %s", state).isEqualTo(expected.get(state.objectId()));
            assertThat(state.heads()).as("heads of %s", state).isEqualTo(heads.get(state.objectId()));
        }
    }

    /**
     * A state read back from its heads as a store wrote them ({@link MergeEngine#fromHeads}, which
     * skips the pairwise check) is the state the brute-force model gives, whatever order the heads
     * come in; the engine keeps heads in the policy's rank order, and reading them back in that
     * order ({@link MergeEngine#fromRankedHeads}) gives the same state.
     */
    @Property(tries = 500)
    void fromHeadsGivesTheModelsStateInAnyOrderOfItsHeads(@ForAll("histories") CausalHistory history,
                                                          @ForAll("policies") MergePolicy policy, @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        ReferenceModel model = ReferenceModel.of(WrittenOutPolicy.of(policy));
        Map<String, MaterializedObject> expected = model.materialize(history.ops());
        Map<String, ObjectState> applied = materialize(engine, history.ops());
        model.heads(history.ops()).forEach((id, heads) -> {
            List<Op> shuffled = new ArrayList<>(heads);
            Collections.shuffle(shuffled, random);
            VectorClock context = VectorClock.empty();
            for (Op h : heads) {
                context = context.merge(h.clock());
            }
            ObjectState read = engine.fromHeads(id, shuffled, context);
            assertThat(MaterializedObject.of(read)).as("object %s", id).isEqualTo(expected.get(id));
            assertThat(read.heads()).isEqualTo(heads);
            assertThat(read).isEqualTo(applied.get(id));
            // Rank order from the written-out policy, the greater op id breaking ties.
            List<Op> byRank = new ArrayList<>(heads);
            MergePolicy written = WrittenOutPolicy.of(policy);
            byRank.sort((x, y) -> {
                int c = written.compare(y, x);
                return c != 0 ? c : y.compareOpId(x);
            });
            assertThat(applied.get(id).headsByRank()).as("rank order after applying").isEqualTo(byRank);
            assertThat(read.headsByRank()).isEqualTo(byRank);
            ObjectState fromRanked = engine.fromRankedHeads(id, byRank, context);
            assertThat(fromRanked).isEqualTo(applied.get(id));
            assertThat(fromRanked.headsByRank()).isEqualTo(byRank);
        });
    }

    /**
     * Equivalence with the brute-force model under a policy that is neither built in nor about
     * deletes first: the longer canonical payload wins, a delete counting as the shortest.
     */
    @Property(tries = 300)
    void statesEqualTheBruteForceModelUnderACustomPolicy(@ForAll("histories") CausalHistory history) {
        MergePolicy longestPayload = new LongestPayloadWins();
        ConvergenceCheck.of(longestPayload).runs(4).check(history, batches -> {
            Materializer m = Materializer.of(MergeEngine.of(longestPayload));
            batches.forEach(m::applyAll);
            return m.objects().stream().map(MaterializedObject::of).toList();
        });
    }

    /** A lawful policy of the kind users write: the longer payload wins, then the greater payload. */
    static final class LongestPayloadWins implements MergePolicy {
        @Override
        public int compare(Op a, Op b) {
            long la = a.isDelete() ? -1 : a.payload().utf8Length();
            long lb = b.isDelete() ? -1 : b.payload().utf8Length();
            if (la != lb) {
                return Long.compare(la, lb);
            }
            return a.isDelete() ? 0 : Payload.compare(a.payload(), b.payload());
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return winner.isDelete() != loser.isDelete() ? ConflictReason.UPDATE_WINS : ConflictReason.PAYLOAD_ORDER;
        }

        @Override
        public String id() {
            return "longest-payload";
        }
    }

    /** Idempotence: applying an op to the state it produced changes nothing. */
    @Property(tries = 1000)
    void applyingAnOpTwiceChangesNothing(@ForAll("histories") CausalHistory history, @ForAll("policies") MergePolicy policy,
                                         @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        Map<String, ObjectState> states = new HashMap<>();
        for (Op op : scramble(history.ops(), random)) {
            ObjectState once = engine.apply(states.get(op.objectId()), op).state();
            ApplyResult twice = engine.apply(once, op);
            assertThat(twice.state()).isSameAs(once);
            assertThat(twice.outcome()).isIn(Outcome.DUPLICATE, Outcome.STALE);
            assertThat(twice.conflicts()).isEmpty();
            states.put(op.objectId(), once);
        }
    }

    /** A stale op never changes state, and an op is stale exactly when a head dominates it. */
    @Property(tries = 1000)
    void staleOpsNeverChangeStateAndAreExactlyTheDominatedOnes(@ForAll("histories") CausalHistory history,
                                                               @ForAll("policies") MergePolicy policy,
                                                               @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        Map<String, ObjectState> states = new HashMap<>();
        for (Op op : scramble(history.ops(), random)) {
            ObjectState before = states.get(op.objectId());
            boolean dominated = before != null
                    && before.heads().stream().anyMatch(h -> ReferenceModel.happenedBefore(op.clock(), h.clock()));
            ApplyResult r = engine.apply(before, op);
            assertThat(r.outcome() == Outcome.STALE).isEqualTo(dominated);
            if (dominated) {
                assertThat(r.state()).isSameAs(before);
                assertThat(r.conflicts()).isEmpty();
            }
            states.put(op.objectId(), r.state());
        }
    }

    /** An op whose clock dominates the context becomes the sole head, whatever was there. */
    @Property(tries = 1000)
    void opDominatingTheContextBecomesTheSoleHead(@ForAll("histories") CausalHistory history,
                                                  @ForAll("policies") MergePolicy policy, @ForAll boolean delete,
                                                  @ForAll Random random) {
        Materializer m = Materializer.of(MergeEngine.of(policy));
        m.applyAll(history.ops());
        for (ObjectState state : m.objects()) {
            String actor = history.actors().get(random.nextInt(history.actors().size()));
            VectorClock clock = state.context().increment(actor);
            Op.Builder b = Op.builder().opId("dominating-" + state.objectId()).objectId(state.objectId())
                    .objectType("note").clock(clock);
            Op op = (delete ? b.kind(dev.syncmat.core.op.OpKind.DELETE)
                    : b.kind(dev.syncmat.core.op.OpKind.UPDATE).payload(Payload.parse("\"0\""))).build();
            ApplyResult r = m.engine().apply(state, op);
            assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(r.state().heads()).containsExactly(op);
            assertThat(r.state().winner()).isSameAs(op);
            assertThat(r.state().context()).isEqualTo(clock);
            assertThat(r.conflicts()).isEmpty();
        }
    }

    /**
     * A merged op records exactly one conflict: against the best-ranked of the other heads (as the
     * model ranks them), with how many other heads it met; every other outcome records none.
     */
    @Property(tries = 1000)
    void mergedOpRecordsOneConflictAgainstTheBestRankedOtherHead(@ForAll("histories") CausalHistory history,
                                                                 @ForAll("policies") MergePolicy policy,
                                                                 @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        ReferenceModel writtenOut = ReferenceModel.of(WrittenOutPolicy.of(policy));
        Map<String, ObjectState> states = new HashMap<>();
        for (Op op : scramble(history.ops(), random)) {
            ApplyResult r = engine.apply(states.get(op.objectId()), op);
            if (r.outcome() == Outcome.MERGED) {
                List<Op> others = r.state().heads().stream().filter(h -> h != op).toList();
                Op best = others.get(0);
                for (Op other : others) {
                    if (writtenOut.rank(other, best) > 0) {
                        best = other;
                    }
                }
                boolean opWins = writtenOut.rank(op, best) > 0;
                Op w = opWins ? op : best;
                Op l = opWins ? best : op;
                ConflictReason expected = w.isDelete() != l.isDelete()
                        ? (w.isDelete() ? ConflictReason.DELETE_WINS : ConflictReason.UPDATE_WINS)
                        : !w.isDelete() && !w.payload().equals(l.payload()) ? ConflictReason.PAYLOAD_ORDER
                        : ConflictReason.OP_ID_ORDER;
                assertThat(r.conflicts()).containsExactly(
                        new Conflict(op.objectId(), w.opId(), l.opId(), expected, others.size()));
            } else {
                assertThat(r.conflicts()).isEmpty();
            }
            states.put(op.objectId(), r.state());
        }
    }

    /** The join is commutative, associative and idempotent, and equals applying the union of the ops. */
    @Property(tries = 1000)
    void joinIsASemilatticeAndEqualsApplyingTheUnion(@ForAll("histories") CausalHistory history,
                                                    @ForAll("policies") MergePolicy policy, @ForAll Random random) {
        MergeEngine engine = MergeEngine.of(policy);
        List<Op> a = sample(history.ops(), random);
        List<Op> b = sample(history.ops(), random);
        List<Op> c = sample(history.ops(), random);
        Map<String, ObjectState> sa = materialize(engine, a);
        Map<String, ObjectState> sb = materialize(engine, b);
        Map<String, ObjectState> sc = materialize(engine, c);
        List<Op> ab = new ArrayList<>(a);
        ab.addAll(b);
        Map<String, ObjectState> union = materialize(engine, scramble(ab, random));

        for (Op any : history.ops()) {
            String id = any.objectId();
            ObjectState x = sa.get(id);
            ObjectState y = sb.get(id);
            ObjectState z = sc.get(id);
            assertThat(engine.join(x, y)).isEqualTo(engine.join(y, x));
            assertThat(engine.join(engine.join(x, y), z)).isEqualTo(engine.join(x, engine.join(y, z)));
            assertThat(engine.join(x, x)).isEqualTo(x);
            assertThat(engine.join(x, y)).isEqualTo(union.get(id));
        }
    }

    private static Map<String, ObjectState> materialize(MergeEngine engine, List<Op> ops) {
        Materializer m = Materializer.of(engine);
        m.applyAll(ops);
        Map<String, ObjectState> byId = new HashMap<>();
        m.objects().forEach(s -> byId.put(s.objectId(), s));
        return byId;
    }

    /** A random delivery: shuffled, with about a fifth of the ops delivered a second time. */
    static List<Op> scramble(List<Op> ops, Random random) {
        List<Op> delivery = new ArrayList<>(ops);
        for (Op op : ops) {
            if (random.nextInt(5) == 0) {
                delivery.add(op);
            }
        }
        Collections.shuffle(delivery, random);
        return delivery;
    }

    /** Cuts a delivery into batches of random sizes. */
    static List<List<Op>> batches(List<Op> ops, Random random) {
        List<List<Op>> batches = new ArrayList<>();
        int i = 0;
        while (i < ops.size()) {
            int size = 1 + random.nextInt(8);
            batches.add(ops.subList(i, Math.min(ops.size(), i + size)));
            i += size;
        }
        return batches;
    }

    /** A random subset (each op with probability 0.6), in random order. */
    static List<Op> sample(List<Op> ops, Random random) {
        Map<String, Op> picked = new LinkedHashMap<>();
        for (Op op : ops) {
            if (random.nextInt(10) < 6) {
                picked.put(op.opId(), op);
            }
        }
        List<Op> list = new ArrayList<>(picked.values());
        Collections.shuffle(list, random);
        return list;
    }
}
