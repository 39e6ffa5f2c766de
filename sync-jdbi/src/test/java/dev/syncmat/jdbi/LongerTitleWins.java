package dev.syncmat.jdbi;

import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;

/**
 * A custom policy with a reason of its own: between two concurrent updates, the one whose payload
 * (a title) is longer in UTF-8 bytes wins, with reason {@code longer_title}; otherwise as
 * {@link MergePolicy#deleteWins()}. A total order: deletes above updates, updates by (length,
 * payload, op id).
 */
public final class LongerTitleWins implements MergePolicy {
    /** The policy's own reason. */
    public static final ConflictReason LONGER_TITLE = ConflictReason.of("longer_title");

    private static final MergePolicy BASE = MergePolicy.deleteWins();

    @Override
    public int compare(Op a, Op b) {
        if (!a.isDelete() && !b.isDelete()) {
            int byLength = Long.compare(a.payload().utf8Length(), b.payload().utf8Length());
            if (byLength != 0) {
                return byLength;
            }
        }
        return BASE.compare(a, b);
    }

    @Override
    public ConflictReason reason(Op winner, Op loser) {
        if (!winner.isDelete() && !loser.isDelete() && winner.payload().utf8Length() != loser.payload().utf8Length()) {
            return LONGER_TITLE;
        }
        return BASE.reason(winner, loser);
    }

    @Override
    public String id() {
        return "longer-title-wins";
    }
}
