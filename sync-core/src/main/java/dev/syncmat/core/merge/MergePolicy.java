package dev.syncmat.core.merge;

import dev.syncmat.core.op.Op;

/**
 * The order that picks an object's winner among its heads. Which ops are heads never depends on
 * the policy (that is decided by the clocks alone); the policy only ranks them.
 *
 * <p>A policy must be a deterministic total order: the same two ops always compare the same way,
 * whatever else is known, and the order is transitive. It must not read clocks of the wall,
 * random sources or anything outside the two ops. The engine breaks any tie the policy leaves
 * (compare returns 0) by op id in UTF-8 byte order, so every policy ends up total.
 * {@link dev.syncmat.core.testing.MergePolicyLaws} checks these rules for a custom policy.
 *
 * <p>The policy in use is part of the stored state's meaning: the storage adapter records
 * {@link #id()} per tenant, refuses to merge a tenant under another id, and switches a tenant only
 * by rebuilding it from its journal.
 *
 * <p>Implementations must be thread-safe; the built-in ones are stateless.
 */
public interface MergePolicy {
    /** Positive if {@code a} ranks above {@code b}, negative if below, 0 if the policy cannot tell. */
    int compare(Op a, Op b);

    /**
     * Why {@code winner} ranks above {@code loser}, given that {@link #compare} said it does: one of
     * the built-in reasons, or one of the policy's own made with {@link ConflictReason#of}. It must
     * depend only on the two ops, like {@link #compare}.
     */
    ConflictReason reason(Op winner, Op loser);

    /**
     * A short stable id for reports, logs and CLI flags, e.g. {@code delete-wins}. Stores record it
     * with each tenant's state, so two policies that order ops differently must have different ids.
     */
    String id();

    /**
     * The default order: a delete beats an update; between updates the greater canonical payload
     * (UTF-8 bytes) wins; the greater op id (UTF-8 bytes) breaks the last tie.
     */
    static MergePolicy deleteWins() {
        return BuiltInPolicy.DELETE_WINS;
    }

    /**
     * An "add-wins" order: an update beats a concurrent delete; otherwise as
     * {@link #deleteWins()}. Useful where losing a concurrent edit is worse than keeping an object
     * somebody deleted.
     */
    static MergePolicy updateWins() {
        return BuiltInPolicy.UPDATE_WINS;
    }

    /**
     * The built-in policy with the given {@link #id()}, for configuration files and CLI flags.
     *
     * @throws IllegalArgumentException for an unknown id
     */
    static MergePolicy byId(String id) {
        for (BuiltInPolicy p : BuiltInPolicy.values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown merge policy \"" + id + "\"; known: delete-wins, update-wins");
    }
}
