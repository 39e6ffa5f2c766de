package dev.syncmat.core.testing;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ops that offline replicas wrote, in the order they wrote them. That order is causal (an op
 * comes after every op its clock dominates) except where a replica crashed and reused an old clock:
 * its new op can then be dominated by ops written before it, and is stale on arrival.
 * {@link CausalHistories} generates histories; {@link #of} wraps ops from anywhere else, for
 * example a recorded production journal.
 *
 * <p>Any order of these ops is a legal delivery order; a correct merge ends in the same state for
 * all of them ({@link ReferenceModel}, {@link ConvergenceCheck}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param actors the replicas' actor ids, in replica order
 * @param ops    every op, in the order it was written; op ids are unique
 */
public record CausalHistory(List<String> actors, List<Op> ops) {
    /** Copies both lists. */
    public CausalHistory {
        actors = List.copyOf(actors);
        ops = List.copyOf(ops);
    }

    /**
     * A history of the given ops, in the given order; its actors are the actors of the ops' clocks,
     * in UTF-8 byte order.
     */
    public static CausalHistory of(Collection<Op> ops) {
        SortedSet<String> actors = new TreeSet<>(ReferenceModel.UTF8);
        for (Op op : ops) {
            Objects.requireNonNull(op, "op");
            actors.addAll(op.clock().toMap().keySet());
        }
        return new CausalHistory(new ArrayList<>(actors), new ArrayList<>(ops));
    }

    /** The ids of the objects the ops touch, in UTF-8 byte order. */
    public SortedSet<String> objectIds() {
        SortedSet<String> ids = new TreeSet<>(ReferenceModel.UTF8);
        ops.forEach(op -> ids.add(op.objectId()));
        return ids;
    }

    /** The ops of one object, in history order. */
    public List<Op> opsOf(String objectId) {
        return ops.stream().filter(op -> op.objectId().equals(objectId)).toList();
    }

    /** The size and every op in its JSON wire form, one per line. */
    @Override
    public String toString() {
        SyncJson json = SyncJson.create();
        StringBuilder sb = new StringBuilder("CausalHistory(").append(actors.size()).append(" actors, ")
                .append(ops.size()).append(" ops)");
        for (Op op : ops) {
            sb.append("\n  ").append(json.writeOp(op));
        }
        return sb.toString();
    }
}
