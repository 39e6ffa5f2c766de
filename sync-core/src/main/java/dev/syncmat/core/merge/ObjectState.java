package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

import java.util.ArrayList;
import java.util.List;

/**
 * The materialized state of one object: its heads (the ops no other op of the object dominates),
 * the winner among them, and the context clock (the merge of all heads' clocks).
 *
 * <p>Everything a client sees is derived from the winner: type, tags, payload, tombstone and the
 * winner's clock. The context is what a client must dominate to supersede every head, so clients
 * build their next op's clock from it. Heads are listed in UTF-8 byte order of their op ids,
 * which does not depend on the merge policy; the winner does. The state also keeps them in the
 * policy's rank order ({@link #headsByRank()}), so that a merge finds the best of the heads an op
 * meets without comparing them again.
 *
 * <p>Instances come from a {@link MergeEngine}. Immutable and thread-safe.
 */
public final class ObjectState {
    private final String objectId;
    // Null when the winner is the only head, the usual case: no list is kept for it. With more
    // heads, null until first asked for: derived from the ranked list (a merge needs only that).
    private volatile List<Op> heads;
    // The heads from the winner down; null when the winner is the only head.
    private final List<Op> ranked;
    private final Op winner;
    private final VectorClock context;
    // One bit per head, at its op id's hash mod 32: the merge's duplicate check reads the heads
    // themselves only when the op's bit is set, which for a new op is rare.
    private final int headIdBits;

    /** A state whose only head, and so its winner, is {@code head}. */
    ObjectState(String objectId, Op head, VectorClock context) {
        this.objectId = objectId;
        this.heads = null;
        this.ranked = null;
        this.winner = head;
        this.context = context;
        this.headIdBits = 1 << head.opId().hashCode();
    }

    /**
     * A state with exactly two heads, {@code first} before {@code second} in op-id order: the
     * usual state after a concurrent op. Equal to the ranked constructor given the two from the
     * winner down, with the same head-id bits, but sets both orders without walking a list.
     */
    ObjectState(String objectId, Op first, Op second, Op winner, VectorClock context) {
        this.objectId = objectId;
        this.heads = List.of(first, second);
        this.ranked = winner == first ? heads : List.of(second, first);
        this.winner = winner;
        this.context = context;
        this.headIdBits = 1 << first.opId().hashCode() | 1 << second.opId().hashCode();
    }

    /**
     * A state with the heads {@code ranked}, from the winner down (at least two); their op-id
     * order is sorted out only if someone asks for it.
     */
    ObjectState(String objectId, List<Op> ranked, VectorClock context) {
        this.objectId = objectId;
        this.heads = null;
        this.ranked = ranked;
        this.winner = ranked.get(0);
        this.context = context;
        int bits = 0;
        for (Op head : ranked) {
            bits |= 1 << head.opId().hashCode();
        }
        this.headIdBits = bits;
    }

    /** Id of the object. */
    public String objectId() {
        return objectId;
    }

    /** The heads in UTF-8 byte order of op id; never empty. */
    public List<Op> heads() {
        if (ranked == null) {
            return List.of(winner);
        }
        List<Op> h = heads;
        if (h == null) {
            List<Op> sorted = new ArrayList<>(ranked);
            sorted.sort(Op::compareOpId);
            h = List.copyOf(sorted);
            heads = h;
        }
        return h;
    }

    /**
     * The heads from the winner down, in the order of {@link MergeEngine#rank}: what a store keeps,
     * so that reading a state back ({@link MergeEngine#fromRankedHeads}) compares no payloads.
     */
    public List<Op> headsByRank() {
        return ranked == null ? List.of(winner) : ranked;
    }

    /** Number of heads; more than one means unresolved concurrency that the winner papers over. */
    public int headCount() {
        return ranked == null ? 1 : ranked.size();
    }

    /** Whether some head may have the op id whose hash code is {@code opIdHash}; false means none has. */
    boolean mayHaveHead(int opIdHash) {
        return (headIdBits & 1 << opIdHash) != 0;
    }

    /** The head that ranks highest under the merge policy. */
    public Op winner() {
        return winner;
    }

    /** Op id of the winner. */
    public String winnerOpId() {
        return winner.opId();
    }

    /** Whether the winner is a delete. */
    public boolean isTombstone() {
        return winner.isDelete();
    }

    /** The winner's object type. */
    public String objectType() {
        return winner.objectType();
    }

    /** The winner's tags. */
    public List<String> tags() {
        return winner.tags();
    }

    /** The winner's payload; null when the object is a tombstone. */
    public Payload payload() {
        return winner.payload();
    }

    /** The winner's clock. */
    public VectorClock clock() {
        return winner.clock();
    }

    /**
     * The merge of every head's {@link Op#causalClock() causal clock}: with context aliases, the
     * full context, which a store compresses before serving it.
     */
    public VectorClock context() {
        return context;
    }

    /** Whether both states have the same heads, winner and context. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ObjectState)) {
            return false;
        }
        ObjectState other = (ObjectState) o;
        return objectId.equals(other.objectId) && winner.equals(other.winner) && context.equals(other.context)
                && heads().equals(other.heads());
    }

    @Override
    public int hashCode() {
        return objectId.hashCode() * 31 + context.hashCode();
    }

    @Override
    public String toString() {
        return "ObjectState{" + objectId + " winner=" + winner.opId() + " heads=" + heads().stream().map(Op::opId).toList()
                + " context=" + context + "}";
    }
}
