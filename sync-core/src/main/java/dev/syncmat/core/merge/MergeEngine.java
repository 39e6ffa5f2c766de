package dev.syncmat.core.merge;

import dev.syncmat.core.clock.ClockOrder;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

import java.util.ArrayList;
import java.util.Set;
import java.util.IdentityHashMap;
import java.util.Collections;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The deterministic merge: applies ops to object states and joins states.
 *
 * <p>An object's state is the set of its <em>heads</em>, the ops that no other op of the object
 * dominates. Applying op {@code x}:
 * <ol>
 *   <li>if a head has x's op id, x is a {@code duplicate} (same content) or an error (other
 *       content);</li>
 *   <li>if a head's clock dominates x's, x is {@code stale} and nothing changes;</li>
 *   <li>otherwise x becomes a head and every head x dominates is dropped; x is {@code applied} if
 *       it is now the only head, else {@code merged}, with one {@link Conflict}: x against the
 *       best-ranked of the other heads, and how many other heads there are;</li>
 *   <li>the winner is the highest head under the {@link MergePolicy}, ties broken by op id.</li>
 * </ol>
 * Because the maximal elements of a set do not depend on the order its elements arrive in, the
 * heads (and so the winner) after any delivery order, batching or duplication of the same ops are
 * the same. Clocks are compared as {@link Op#causalClock()}, which is the op's clock unless a store
 * gave it the expansion of the context alias it names ({@link dev.syncmat.core.clock.ContextAliases}).
 * Applying an op costs O(heads x clock size); payloads are compared as already
 * canonical text and never parsed.
 *
 * <p>Stateless and thread-safe.
 */
public final class MergeEngine {
    private static final MergeEngine DEFAULT = new MergeEngine(MergePolicy.deleteWins());

    private final MergePolicy policy;

    private MergeEngine(MergePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** An engine with the default {@link MergePolicy#deleteWins()} policy. */
    public static MergeEngine create() {
        return DEFAULT;
    }

    /** An engine with the given policy. */
    public static MergeEngine of(MergePolicy policy) {
        return new MergeEngine(policy);
    }

    /** The policy that ranks heads. */
    public MergePolicy policy() {
        return policy;
    }

    /** Positive if {@code a} ranks above {@code b}: the policy, then op id as the final tie-breaker. */
    public int rank(Op a, Op b) {
        int c = policy.compare(a, b);
        return c != 0 ? c : a.compareOpId(b);
    }

    /**
     * Applies {@code op} to {@code state}.
     *
     * @param state the object's current state, or null when the object has no ops yet
     * @param op    an op of the same object
     * @return the outcome, the new state and any conflicts
     * @throws OpIdReusedException      if a head has the op's id but other content
     * @throws IllegalArgumentException if the op belongs to another object
     */
    public ApplyResult apply(ObjectState state, Op op) {
        // Kept small, with the rarer paths in methods of their own, so that the JIT can inline it
        // into the caller's loop.
        if (state == null) {
            return new ApplyResult(op, Outcome.APPLIED, new ObjectState(op.objectId(), op, op.causalClock()), List.of());
        }
        if (!state.objectId().equals(op.objectId())) {
            throw otherObject(state, op);
        }
        if (state.mayHaveHead(op.opId().hashCode())) {
            ApplyResult duplicate = duplicateOf(state, op);
            if (duplicate != null) {
                return duplicate;
            }
        }
        // An op after the context is after every head: it becomes the only head, and its clock,
        // which covers the context, the new context. One walk instead of one per head.
        ClockOrder order = op.causalClock().compare(state.context());
        if (order == ClockOrder.AFTER) {
            return new ApplyResult(op, Outcome.APPLIED, new ObjectState(state.objectId(), op, op.causalClock()), List.of());
        }
        return state.headCount() == 1 ? applyToSingleHead(state, op, order) : applyToHeads(state, op);
    }

    private static IllegalArgumentException otherObject(ObjectState state, Op op) {
        return new IllegalArgumentException("op " + op.opId() + " belongs to object \"" + op.objectId()
                + "\", not \"" + state.objectId() + "\"");
    }

    /** The duplicate outcome if a head has the op's id, null if none has. */
    private static ApplyResult duplicateOf(ObjectState state, Op op) {
        for (Op head : state.headsByRank()) {
            if (head.opId().equals(op.opId())) {
                if (!head.equals(op)) {
                    throw new OpIdReusedException(op.opId());
                }
                return new ApplyResult(op, Outcome.DUPLICATE, state, List.of());
            }
        }
        return null;
    }

    /**
     * An op that is not after the context of an object with several heads. The heads it dominates
     * are found by clocks alone; the best of the others is the first of them in rank order, and the
     * op's place in that order is found by binary search, so a merge beside n heads makes
     * O(log n) policy comparisons, not n, and reads the deferred payloads they need in about
     * log2(n) / 4 batches ({@link Payload#readTogether}).
     */
    private ApplyResult applyToHeads(ObjectState state, Op op) {
        List<Op> heads = state.headsByRank();
        int n = heads.size();
        // The heads op dominates: usually none or one.
        Set<Op> dominated = null;
        for (int i = 0; i < n; i++) {
            Op head = heads.get(i);
            ClockOrder order = op.causalClock().compare(head.causalClock());
            if (order == ClockOrder.BEFORE) {
                return new ApplyResult(op, Outcome.STALE, state, List.of());
            }
            if (order == ClockOrder.AFTER) {
                if (dominated == null) {
                    dominated = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                dominated.add(head);
            }
        }
        int survivors = n - (dominated == null ? 0 : dominated.size());
        if (survivors == 0) {
            // An op that supersedes every head is the only head and the winner.
            ObjectState next = new ObjectState(state.objectId(), op, state.context().merge(op.causalClock()));
            return new ApplyResult(op, Outcome.APPLIED, next, List.of());
        }
        List<Op> ranked = new ArrayList<>(survivors + 1);
        for (Op head : heads) {
            if (dominated == null || !dominated.contains(head)) {
                ranked.add(head);
            }
        }
        if (survivors == 1) {
            // The usual case for two heads: x supersedes one and stands beside the other.
            return mergeBesideOne(state, op, ranked.get(0));
        }
        // The best-ranked of the heads op stands beside: the one its conflict record names.
        Op best = ranked.get(0);
        int byPolicy = policy.compare(op, best);
        int r = byPolicy != 0 ? byPolicy : op.compareOpId(best);
        int at = 0;
        if (r < 0) {
            // ranked[0] ranks above op; find the first head op ranks above.
            int lo = 1;
            int hi = survivors;
            for (int level = 0; lo < hi; level++) {
                int mid = (lo + hi) >>> 1;
                if (level % SEARCH_LEVELS_READ_TOGETHER == 0) {
                    // The payloads the next levels of this search may compare, read in one go from a
                    // store that defers them: a few reads in all instead of one per level.
                    List<Payload> next = new ArrayList<>();
                    searchTree(ranked, lo, hi, SEARCH_LEVELS_READ_TOGETHER, next);
                    Payload.readTogether(next);
                }
                if (rank(op, ranked.get(mid)) > 0) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            at = lo;
        }
        ranked.add(at, op);
        ObjectState next = new ObjectState(state.objectId(), List.copyOf(ranked), state.context().merge(op.causalClock()));
        return new ApplyResult(op, Outcome.MERGED, next, List.of(conflict(op, best, byPolicy, r, survivors)));
    }

    /**
     * Levels of the binary search in {@link #applyToHeads} whose payloads are read together: the
     * payloads of at most 2^4 - 1 = 15 heads per read, so a merge beside n heads reads deferred
     * payloads about log2(n) / 4 times (3 times beside 1,000 heads) instead of log2(n) times.
     */
    private static final int SEARCH_LEVELS_READ_TOGETHER = 4;

    /**
     * Adds to {@code out} the payloads of the heads the binary search over {@code [lo, hi)} of
     * {@code ranked} may compare in its next {@code levels} levels.
     */
    private static void searchTree(List<Op> ranked, int lo, int hi, int levels, List<Payload> out) {
        if (lo >= hi || levels == 0) {
            return;
        }
        int mid = (lo + hi) >>> 1;
        Payload p = ranked.get(mid).payload();
        if (p != null) {
            out.add(p);
        }
        searchTree(ranked, lo, mid, levels - 1, out);
        searchTree(ranked, mid + 1, hi, levels - 1, out);
    }

    /**
     * An op that is not after the context of an object with one head, which is its winner and
     * whose clock is the context; {@code order} is the op's clock against the context.
     * {@link #applyToHeads} would give the same result; this path reuses the compare already made
     * and builds no intermediate lists.
     */
    private ApplyResult applyToSingleHead(ObjectState state, Op op, ClockOrder order) {
        if (order == ClockOrder.BEFORE) {
            return new ApplyResult(op, Outcome.STALE, state, List.of());
        }
        return mergeBesideOne(state, op, state.winner());
    }

    /**
     * {@code op} becomes a head beside {@code head}, the one head of {@code state} it neither
     * supersedes nor is superseded by, while every other head is superseded: the new state has
     * exactly these two heads.
     */
    private ApplyResult mergeBesideOne(ObjectState state, Op op, Op head) {
        int byPolicy = policy.compare(op, head);
        int byId = op.compareOpId(head);
        int r = byPolicy != 0 ? byPolicy : byId;
        Op winner = r > 0 ? op : head;
        VectorClock context = state.context().merge(op.causalClock());
        ObjectState next = byId < 0
                ? new ObjectState(state.objectId(), op, head, winner, context)
                : new ObjectState(state.objectId(), head, op, winner, context);
        return new ApplyResult(op, Outcome.MERGED, next, List.of(conflict(op, head, byPolicy, r, 1)));
    }

    /**
     * The conflict record of {@code op} merged beside {@code metHeads} heads of which {@code best}
     * ranks highest, given the policy's comparison of op and best and their rank ({@link #rank});
     * computed once by the caller.
     */
    private Conflict conflict(Op op, Op best, int byPolicy, int rank, int metHeads) {
        Op winner = rank > 0 ? op : best;
        Op loser = rank > 0 ? best : op;
        ConflictReason reason = byPolicy != 0 ? policy.reason(winner, loser) : ConflictReason.OP_ID_ORDER;
        return new Conflict(op.objectId(), winner.opId(), loser.opId(), reason, metHeads);
    }

    /**
     * The join of two states of the same object: the state holding the ops of both. Commutative,
     * associative and idempotent, and equal to applying the union of both states' ops.
     *
     * @throws OpIdReusedException      if the states hold different ops under one op id
     * @throws IllegalArgumentException if the states belong to different objects
     */
    public ObjectState join(ObjectState a, ObjectState b) {
        if (a == null || a == b) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (!a.objectId().equals(b.objectId())) {
            throw new IllegalArgumentException("cannot join states of \"" + a.objectId() + "\" and \"" + b.objectId() + "\"");
        }
        List<Op> all = new ArrayList<>(a.heads());
        Map<String, Op> byId = new HashMap<>();
        for (Op op : a.heads()) {
            byId.put(op.opId(), op);
        }
        for (Op op : b.heads()) {
            Op same = byId.get(op.opId());
            if (same == null) {
                all.add(op);
            } else if (!same.equals(op)) {
                throw new OpIdReusedException(op.opId());
            }
        }
        return restore(a.objectId(), all);
    }

    /**
     * The state whose heads are exactly {@code heads} and whose context is {@code context}, as a
     * store wrote them: the heads must be mutually concurrent (none dominates another) and the
     * context the merge of their {@link Op#causalClock() causal clocks}. Gives what {@link #restore}
     * would give for them without its O(n^2) comparison of every pair and its n clock merges: costs
     * O(n log n) op-id and policy comparisons (to rank them; {@link #fromRankedHeads} skips that
     * for heads already in rank order). Input that breaks these rules gives a state no
     * sequence of applies produces; a store checks its rows against its journal with
     * {@link #restore} (replay in verify mode).
     *
     * @throws IllegalArgumentException if {@code heads} is empty, repeats an op id or spans objects
     */
    public ObjectState fromHeads(String objectId, Collection<Op> heads, VectorClock context) {
        List<Op> sorted = checkedById(objectId, heads);
        Objects.requireNonNull(context, "context");
        if (sorted.size() == 1) {
            return new ObjectState(objectId, sorted.get(0), context);
        }
        List<Op> ranked = new ArrayList<>(sorted);
        ranked.sort((a, b) -> rank(b, a));
        return new ObjectState(objectId, List.copyOf(ranked), context);
    }

    /**
     * As {@link #fromHeads}, given the heads already in rank order from the winner down, as
     * {@link ObjectState#headsByRank()} lists them and a store wrote them: compares no payloads,
     * so deferred ones ({@link dev.syncmat.core.op.Payload#deferred}) stay unread until a merge
     * needs them. Costs O(n). An order that is not the policy's gives a
     * state no sequence of applies produces (replay in verify mode finds it).
     *
     * @throws IllegalArgumentException if {@code headsByRank} is empty, repeats an op id or spans objects
     */
    public ObjectState fromRankedHeads(String objectId, List<Op> headsByRank, VectorClock context) {
        if (headsByRank.isEmpty()) {
            throw new IllegalArgumentException("an object state needs at least one head");
        }
        Objects.requireNonNull(context, "context");
        Set<String> ids = new HashSet<>(2 * headsByRank.size());
        for (Op h : headsByRank) {
            checkHead(objectId, h, !ids.add(h.opId()));
        }
        if (headsByRank.size() == 1) {
            return new ObjectState(objectId, headsByRank.get(0), context);
        }
        return new ObjectState(objectId, List.copyOf(headsByRank), context);
    }

    /** {@code heads} in op-id order, checked to be of one object with distinct op ids. */
    private static List<Op> checkedById(String objectId, Collection<Op> heads) {
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("an object state needs at least one head");
        }
        List<Op> sorted = new ArrayList<>(heads);
        sorted.sort(Op::compareOpId);
        for (int i = 0; i < sorted.size(); i++) {
            checkHead(objectId, sorted.get(i), i > 0 && sorted.get(i - 1).opId().equals(sorted.get(i).opId()));
        }
        return sorted;
    }

    private static void checkHead(String objectId, Op head, boolean repeated) {
        if (!head.objectId().equals(objectId)) {
            throw new IllegalArgumentException("op " + head.opId() + " belongs to object \"" + head.objectId()
                    + "\", not \"" + objectId + "\"");
        }
        if (repeated) {
            throw new IllegalArgumentException("op id \"" + head.opId() + "\" appears twice");
        }
    }

    /**
     * The state whose heads are the maximal elements of {@code ops}: the state that applying all of
     * them in any order produces: what replay checks a stored state against ({@link #fromHeads} reads
     * one back without the check).
     * Costs O(n^2 x clock size) for n ops.
     *
     * @throws IllegalArgumentException if {@code ops} is empty, repeats an op id or spans objects
     */
    public ObjectState restore(String objectId, Collection<Op> ops) {
        List<Op> candidates = checkedById(objectId, ops);
        List<Op> heads = new ArrayList<>(candidates.size());
        VectorClock context = VectorClock.empty();
        for (Op c : candidates) {
            boolean isHead = true;
            for (Op other : candidates) {
                if (other != c && other.causalClock().dominates(c.causalClock())) {
                    isHead = false;
                    break;
                }
            }
            context = context.merge(c.causalClock());
            if (isHead) {
                heads.add(c);
            }
        }
        if (heads.size() == 1) {
            return new ObjectState(objectId, heads.get(0), context);
        }
        List<Op> ranked = new ArrayList<>(heads);
        ranked.sort((a, b) -> rank(b, a));
        return new ObjectState(objectId, List.copyOf(ranked), context);
    }
}
