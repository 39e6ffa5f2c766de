package dev.syncmat.core.merge;

import dev.syncmat.core.op.Op;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The built-in policies as docs/merge.md writes them out, over UTF-8 byte arrays and sharing no
 * code with {@link BuiltInPolicy}: the brute-force model runs with these, the engine with the
 * built-in ones, so a bug in either shows up as a difference. Stateless and thread-safe.
 */
final class WrittenOutPolicy implements MergePolicy {
    private final boolean deleteWins;

    private WrittenOutPolicy(boolean deleteWins) {
        this.deleteWins = deleteWins;
    }

    /** The written-out form of a built-in policy. */
    static WrittenOutPolicy of(MergePolicy builtIn) {
        if (builtIn == MergePolicy.deleteWins()) {
            return new WrittenOutPolicy(true);
        }
        if (builtIn == MergePolicy.updateWins()) {
            return new WrittenOutPolicy(false);
        }
        throw new IllegalArgumentException("not a built-in policy: " + builtIn.id());
    }

    /** The kind the policy prefers, then the greater canonical payload; op ids are left to the model. */
    @Override
    public int compare(Op p, Op q) {
        if (p.isDelete() != q.isDelete()) {
            return p.isDelete() == deleteWins ? 1 : -1;
        }
        if (!p.isDelete()) {
            return Arrays.compareUnsigned(bytes(p.payload().json()), bytes(q.payload().json()));
        }
        return 0;
    }

    @Override
    public ConflictReason reason(Op winner, Op loser) {
        if (winner.isDelete() != loser.isDelete()) {
            return winner.isDelete() ? ConflictReason.DELETE_WINS : ConflictReason.UPDATE_WINS;
        }
        return ConflictReason.PAYLOAD_ORDER;
    }

    @Override
    public String id() {
        return (deleteWins ? "delete-wins" : "update-wins") + " (written out)";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
