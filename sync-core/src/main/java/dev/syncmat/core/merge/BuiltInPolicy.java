package dev.syncmat.core.merge;

import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

/** The policies that ship with the library. Their names are part of the CLI's interface. */
enum BuiltInPolicy implements MergePolicy {
    DELETE_WINS("delete-wins", 1),
    UPDATE_WINS("update-wins", -1);

    private final String id;
    private final int deleteRank;

    BuiltInPolicy(String id, int deleteRank) {
        this.id = id;
        this.deleteRank = deleteRank;
    }

    @Override
    public int compare(Op a, Op b) {
        if (a.isDelete() != b.isDelete()) {
            return a.isDelete() ? deleteRank : -deleteRank;
        }
        if (!a.isDelete()) {
            int c = Payload.compare(a.payload(), b.payload());
            if (c != 0) {
                return c;
            }
        }
        return a.compareOpId(b);
    }

    @Override
    public ConflictReason reason(Op winner, Op loser) {
        if (winner.isDelete() != loser.isDelete()) {
            return winner.isDelete() ? ConflictReason.DELETE_WINS : ConflictReason.UPDATE_WINS;
        }
        if (!winner.isDelete() && !winner.payload().equals(loser.payload())) {
            return ConflictReason.PAYLOAD_ORDER;
        }
        return ConflictReason.OP_ID_ORDER;
    }

    @Override
    public String id() {
        return id;
    }
}
