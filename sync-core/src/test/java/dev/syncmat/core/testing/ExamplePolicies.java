package dev.syncmat.core.testing;

import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Policies of the kind teams write, lawful and broken, for the kit's own tests. Each broken one
 * breaks one law in a way that is easy to miss in review.
 */
final class ExamplePolicies {
    private ExamplePolicies() {
    }

    /** A delete wins over an update; otherwise the policy's own comparison of two updates. */
    private abstract static class UpdatesOnly implements MergePolicy {
        @Override
        public final int compare(Op a, Op b) {
            if (a.isDelete() != b.isDelete()) {
                return a.isDelete() ? 1 : -1;
            }
            return a.isDelete() ? 0 : compareUpdates(a, b);
        }

        abstract int compareUpdates(Op a, Op b);

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return winner.isDelete() != loser.isDelete() ? ConflictReason.DELETE_WINS : ConflictReason.PAYLOAD_ORDER;
        }
    }

    /** Lawful: the later client timestamp wins (no timestamp counts as the earliest), then the greater payload. */
    static final class LastWriterWins extends UpdatesOnly {
        @Override
        int compareUpdates(Op a, Op b) {
            Instant ta = a.timestamp() == null ? Instant.MIN : a.timestamp();
            Instant tb = b.timestamp() == null ? Instant.MIN : b.timestamp();
            int c = ta.compareTo(tb);
            return c != 0 ? c : Payload.compare(a.payload(), b.payload());
        }

        @Override
        public String id() {
            return "last-writer-wins";
        }
    }

    /**
     * Not transitive: a game where the payload is a move, and paper beats rock, scissors beat paper,
     * rock beats scissors. A move beats anything that is not a move; other payloads by their order.
     */
    static final class RockPaperScissors extends UpdatesOnly {
        private static final List<String> MOVES = List.of("\"rock\"", "\"paper\"", "\"scissors\"");

        @Override
        int compareUpdates(Op a, Op b) {
            int ma = MOVES.indexOf(a.payload().json());
            int mb = MOVES.indexOf(b.payload().json());
            if (ma >= 0 && mb >= 0) {
                return ma == mb ? 0 : (ma - mb + 3) % 3 == 1 ? 1 : -1;
            }
            if (ma >= 0 || mb >= 0) {
                return ma >= 0 ? 1 : -1;
            }
            return Payload.compare(a.payload(), b.payload());
        }

        @Override
        public String id() {
            return "rock-paper-scissors";
        }
    }

    /**
     * Not transitive: last writer wins, but timestamps within a second of each other count as
     * simultaneous (to forgive clock skew), and then the greater payload wins.
     */
    static final class SkewTolerantLastWriterWins extends UpdatesOnly {
        @Override
        int compareUpdates(Op a, Op b) {
            if (a.timestamp() != null && b.timestamp() != null
                    && Duration.between(a.timestamp(), b.timestamp()).abs().compareTo(Duration.ofSeconds(1)) > 0) {
                return a.timestamp().compareTo(b.timestamp());
            }
            return Payload.compare(a.payload(), b.payload());
        }

        @Override
        public String id() {
            return "skew-tolerant-lww";
        }
    }

    /** Not antisymmetric: on equal payloads "the incoming op wins", i.e. always the first argument. */
    static final class IncomingWinsTies extends UpdatesOnly {
        @Override
        int compareUpdates(Op a, Op b) {
            int c = Payload.compare(a.payload(), b.payload());
            return c != 0 ? c : 1;
        }

        @Override
        public String id() {
            return "incoming-wins-ties";
        }
    }

    /**
     * Not deterministic: to be "fair", it lets the two sides of a payload tie win by turns. Not
     * thread-safe either, which does not matter: it is wrong on one thread already.
     */
    static final class FairTieBreak extends UpdatesOnly {
        private int calls;

        @Override
        int compareUpdates(Op a, Op b) {
            int c = Payload.compare(a.payload(), b.payload());
            return c != 0 ? c : calls++ % 2 == 0 ? 1 : -1;
        }

        @Override
        public String id() {
            return "fair-tie-break";
        }
    }

    /** Gives no reason for the payload order. */
    static final class NoReason extends UpdatesOnly {
        @Override
        int compareUpdates(Op a, Op b) {
            return Payload.compare(a.payload(), b.payload());
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return winner.isDelete() != loser.isDelete() ? ConflictReason.DELETE_WINS : null;
        }

        @Override
        public String id() {
            return "no-reason";
        }
    }

    /** Forgets that a delete has no payload. */
    static final class ReadsPayloadOfDeletes implements MergePolicy {
        @Override
        public int compare(Op a, Op b) {
            return a.payload().json().length() - b.payload().json().length();
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return ConflictReason.PAYLOAD_ORDER;
        }

        @Override
        public String id() {
            return "reads-payload-of-deletes";
        }
    }

    /** Lawful in its order, but with an empty id. */
    static final class NoId implements MergePolicy {
        @Override
        public int compare(Op a, Op b) {
            return MergePolicy.deleteWins().compare(a, b);
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return MergePolicy.deleteWins().reason(winner, loser);
        }

        @Override
        public String id() {
            return "";
        }
    }
}
