package dev.syncmat.core.merge;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MergeEngineTest {
    private final MergeEngine engine = MergeEngine.create();

    private static Op update(String id, VectorClock clock, String payload) {
        return Op.update(id, "doc", "note", clock, Payload.parse(payload));
    }

    private static Op delete(String id, VectorClock clock) {
        return Op.delete(id, "doc", "note", clock);
    }

    private ObjectState applyAll(Op... ops) {
        ObjectState state = null;
        for (Op op : ops) {
            state = engine.apply(state, op).state();
        }
        return state;
    }

    @Test
    void firstOpIsAppliedAsSoleHead() {
        Op a = update("a1", VectorClock.of("a", 1), "{\"t\":1}");
        ApplyResult r = engine.apply(null, a);
        assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(r.state().heads()).containsExactly(a);
        assertThat(r.state().context()).isEqualTo(VectorClock.of("a", 1));
        assertThat(r.conflicts()).isEmpty();
    }

    @Test
    void dominatingOpReplacesTheHead() {
        Op a1 = update("a1", VectorClock.of("a", 1), "1");
        Op a2 = update("a2", VectorClock.of("a", 2), "2");
        ApplyResult r = engine.apply(applyAll(a1), a2);
        assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(r.state().heads()).containsExactly(a2);
        assertThat(r.state().payload().json()).isEqualTo("2");
    }

    @Test
    void opDominatingSomeOfManyHeadsKeepsExactlyTheOthers() {
        // Around 64 heads the engine switches how it tracks which heads an op dominates.
        for (int n : new int[] {63, 64, 65, 70}) {
            List<Op> ops = new ArrayList<>();
            VectorClock evens = VectorClock.empty();
            for (int i = 0; i < n; i++) {
                VectorClock clock = VectorClock.of(String.format(Locale.ROOT, "c%03d", i), 1);
                ops.add(update(String.format(Locale.ROOT, "h%03d", i), clock, "1"));
                if (i % 2 == 0) {
                    evens = evens.merge(clock);
                }
            }
            ObjectState many = applyAll(ops.toArray(new Op[0]));
            assertThat(many.headCount()).isEqualTo(n);

            Op x = update("x", evens.increment("x"), "2");
            ApplyResult r = engine.apply(many, x);
            List<Op> expectedHeads = new ArrayList<>();
            for (int i = 1; i < n; i += 2) {
                expectedHeads.add(ops.get(i));
            }
            expectedHeads.add(x);
            assertThat(r.outcome()).as("n=%d", n).isEqualTo(Outcome.MERGED);
            assertThat(r.state().heads()).as("n=%d", n).containsExactlyElementsOf(expectedHeads);
            // One record for x, against the best-ranked head it stands beside: the odd heads all
            // hold "1", so the one with the highest op id, which x's higher payload beats.
            String best = String.format(Locale.ROOT, "h%03d", n % 2 == 0 ? n - 1 : n - 2);
            assertThat(r.conflicts()).as("n=%d", n)
                    .containsExactly(new Conflict("doc", "x", best, ConflictReason.PAYLOAD_ORDER, n / 2));
            ops.add(x);
            assertThat(r.state()).as("n=%d", n).isEqualTo(engine.restore("doc", ops));
        }
    }

    @Test
    void staleOpIsIgnored() {
        Op a1 = update("a1", VectorClock.of("a", 1), "1");
        Op a2 = update("a2", VectorClock.of("a", 2), "2");
        ObjectState state = applyAll(a2);
        ApplyResult r = engine.apply(state, a1);
        assertThat(r.outcome()).isEqualTo(Outcome.STALE);
        assertThat(r.state()).isSameAs(state);
    }

    @Test
    void deleteWinsOverConcurrentUpdate() {
        Op up = update("u", VectorClock.of("a", 1), "\"zzz\"");
        Op del = delete("d", VectorClock.of("b", 1));
        ApplyResult r = engine.apply(applyAll(up), del);
        assertThat(r.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(r.state().isTombstone()).isTrue();
        assertThat(r.state().payload()).isNull();
        assertThat(r.state().headCount()).isEqualTo(2);
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "d", "u", ConflictReason.DELETE_WINS, 1));
    }

    @Test
    void updateWinsOverConcurrentDeleteUnderTheUpdateWinsPolicy() {
        MergeEngine addWins = MergeEngine.of(MergePolicy.updateWins());
        Op up = update("u", VectorClock.of("a", 1), "\"zzz\"");
        Op del = delete("d", VectorClock.of("b", 1));
        ApplyResult r = addWins.apply(addWins.apply(null, up).state(), del);
        assertThat(r.state().isTombstone()).isFalse();
        assertThat(r.state().winnerOpId()).isEqualTo("u");
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "u", "d", ConflictReason.UPDATE_WINS, 1));
    }

    @Test
    void updateThatSawTheDeleteResurrectsTheObject() {
        Op up = update("u1", VectorClock.of("a", 1), "1");
        Op del = delete("d", VectorClock.of("a", 1, "b", 1));
        Op again = update("u2", VectorClock.of("a", 2, "b", 1), "3");
        ObjectState deleted = applyAll(up, del);
        assertThat(deleted.isTombstone()).isTrue();
        ApplyResult r = engine.apply(deleted, again);
        assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(r.state().isTombstone()).isFalse();
        assertThat(r.state().payload().json()).isEqualTo("3");
    }

    @Test
    void greaterPayloadWinsBetweenConcurrentUpdates() {
        Op low = update("z-low", VectorClock.of("a", 1), "\"abc\"");
        Op high = update("a-high", VectorClock.of("b", 1), "\"abd\"");
        ApplyResult r = engine.apply(applyAll(low), high);
        assertThat(r.state().winnerOpId()).isEqualTo("a-high");
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "a-high", "z-low", ConflictReason.PAYLOAD_ORDER, 1));
    }

    @Test
    void payloadsAreComparedAsUtf8BytesNotUtf16Units() {
        // U+FF5E is one UTF-16 unit above the surrogates of U+1F680, but its UTF-8 bytes (EF ..)
        // are below those of U+1F680 (F0 ..). UTF-8 order makes the rocket win.
        Op fullwidth = update("f", VectorClock.of("a", 1), "\"\uFF5E\"");
        Op rocket = update("r", VectorClock.of("b", 1), "\"\uD83D\uDE80\"");
        assertThat(applyAll(fullwidth, rocket).winnerOpId()).isEqualTo("r");
        assertThat(applyAll(rocket, fullwidth).winnerOpId()).isEqualTo("r");
    }

    @Test
    void equalPayloadsFallBackToTheGreaterOpId() {
        Op one = update("op-1", VectorClock.of("a", 1), "{\"t\":1}");
        Op two = update("op-2", VectorClock.of("b", 1), "{\"t\":1.0}");
        ApplyResult r = engine.apply(applyAll(two), one);
        assertThat(r.state().winnerOpId()).isEqualTo("op-2");
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "op-2", "op-1", ConflictReason.OP_ID_ORDER, 1));
    }

    @Test
    void twoOpsWithEqualClocksAndDifferentIdsAreBothHeads() {
        Op first = update("a-1", VectorClock.of("a", 1), "1");
        Op reused = update("a-2", VectorClock.of("a", 1), "2");
        ApplyResult r = engine.apply(applyAll(first), reused);
        assertThat(r.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(r.state().heads()).containsExactly(first, reused);
        assertThat(r.state().winnerOpId()).isEqualTo("a-2");
    }

    @Test
    void opThatDominatesOnlySomeHeadsReplacesJustThose() {
        Op a = update("a", VectorClock.of("a", 1), "1");
        Op b = update("b", VectorClock.of("b", 1), "2");
        Op c = update("c", VectorClock.of("a", 1, "c", 1), "0");
        ApplyResult r = engine.apply(applyAll(a, b), c);
        assertThat(r.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(r.state().heads()).containsExactly(b, c);
        assertThat(r.state().winnerOpId()).isEqualTo("b");
        assertThat(r.state().context()).isEqualTo(VectorClock.of("a", 1, "b", 1, "c", 1));
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "b", "c", ConflictReason.PAYLOAD_ORDER, 1));
    }

    @Test
    void typeAndTagsComeFromTheWinner() {
        Op a = Op.builder().opId("a").objectId("doc").objectType("note").kind(dev.syncmat.core.op.OpKind.UPDATE)
                .clock(VectorClock.of("a", 1)).payload(Payload.parse("1")).tags(List.of("x")).build();
        Op b = Op.builder().opId("b").objectId("doc").objectType("task").kind(dev.syncmat.core.op.OpKind.UPDATE)
                .clock(VectorClock.of("b", 1)).payload(Payload.parse("2")).tags(List.of("y", "z")).build();
        ObjectState s = applyAll(a, b);
        assertThat(s.objectType()).isEqualTo("task");
        assertThat(s.tags()).containsExactly("y", "z");
    }

    @Test
    void sameOpAgainIsADuplicate() {
        Op a = update("a1", VectorClock.of("a", 1), "1");
        ObjectState s = applyAll(a);
        ApplyResult r = engine.apply(s, update("a1", VectorClock.of("a", 1), "1"));
        assertThat(r.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(r.state()).isSameAs(s);
    }

    @Test
    void headIdReusedWithOtherContentIsRejected() {
        ObjectState s = applyAll(update("a1", VectorClock.of("a", 1), "1"));
        assertThatThrownBy(() -> engine.apply(s, update("a1", VectorClock.of("a", 1), "2")))
                .isInstanceOf(OpIdReusedException.class)
                .hasMessage("opId \"a1\" was already used for an op with other content");
    }

    @Test
    void headIdReusedByAnOpThatSupersedesEveryHeadIsRejected() {
        // With one head and with two: the clock alone would make the op the new sole head.
        ObjectState one = applyAll(update("a1", VectorClock.of("a", 1), "1"));
        ObjectState two = applyAll(update("a1", VectorClock.of("a", 1), "1"), update("b1", VectorClock.of("b", 1), "2"));
        assertThat(two.headCount()).isEqualTo(2);
        for (ObjectState s : List.of(one, two)) {
            assertThatThrownBy(() -> engine.apply(s, update("a1", VectorClock.of("a", 5, "b", 5), "3")))
                    .isInstanceOf(OpIdReusedException.class);
        }
        assertThat(engine.apply(two, update("b1", VectorClock.of("b", 1), "2")).outcome()).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void manyNewOpIdsAgainstTheSameHeadsAreNeverTakenForDuplicates() {
        // The duplicate check first looks at one bit per head (op id hash mod 32); ids whose hashes
        // collide there must still be told apart by the ids themselves.
        ObjectState two = applyAll(update("a1", VectorClock.of("a", 1), "1"), update("b1", VectorClock.of("b", 1), "2"));
        int collisions = 0;
        for (int i = 0; i < 2_000; i++) {
            String id = "op-" + i;
            if ((id.hashCode() & 31) == ("a1".hashCode() & 31) || (id.hashCode() & 31) == ("b1".hashCode() & 31)) {
                collisions++;
            }
            ApplyResult r = engine.apply(two, update(id, VectorClock.of("a", 1, "b", 1, "c", 1), "9"));
            assertThat(r.outcome()).as(id).isEqualTo(Outcome.APPLIED);
            assertThat(r.state().heads()).extracting(Op::opId).containsExactly(id);
        }
        assertThat(collisions).isGreaterThan(10);
    }

    @Test
    void anOpIdWithTheSameHashCodeAsAHeadsIsNotADuplicate() {
        // "Aa" and "BB" have the same String.hashCode(), so they share the duplicate check's bit
        // whatever bits of the hash it takes; only the ids themselves tell them apart.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        ObjectState one = applyAll(update("Aa", VectorClock.of("a", 1), "1"));
        ApplyResult beside = engine.apply(one, update("BB", VectorClock.of("b", 1), "2"));
        assertThat(beside.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(beside.state().heads()).extracting(Op::opId).containsExactly("Aa", "BB");
        ApplyResult after = engine.apply(one, update("BB", VectorClock.of("a", 1, "b", 1), "2"));
        assertThat(after.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(engine.apply(beside.state(), update("BB", VectorClock.of("b", 1), "2")).outcome())
                .isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void opAfterTheContextOfSeveralHeadsBecomesTheSoleHead() {
        Op a = update("a1", VectorClock.of("a", 1), "1");
        Op b = update("b1", VectorClock.of("b", 1), "2");
        Op c = update("c1", VectorClock.of("c", 1), "3");
        ObjectState three = applyAll(a, b, c);
        Op next = update("d1", VectorClock.of("a", 1, "b", 1, "c", 1, "d", 1), "4");
        ApplyResult r = engine.apply(three, next);
        assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(r.state().heads()).containsExactly(next);
        assertThat(r.state().context()).isEqualTo(next.clock());
        // Below the context but after only some heads: a merge that keeps the others.
        Op partial = update("e1", VectorClock.of("a", 1, "e", 1), "5");
        ApplyResult m = engine.apply(three, partial);
        assertThat(m.outcome()).isEqualTo(Outcome.MERGED);
        assertThat(m.state().heads()).extracting(Op::opId).containsExactly("b1", "c1", "e1");
        assertThat(m.state().context()).isEqualTo(VectorClock.of("a", 1, "b", 1, "c", 1, "e", 1));
    }

    @Test
    void opOfAnotherObjectIsRejected() {
        ObjectState s = applyAll(update("a1", VectorClock.of("a", 1), "1"));
        Op other = Op.update("b1", "other", "note", VectorClock.of("b", 1), Payload.parse("1"));
        assertThatThrownBy(() -> engine.apply(s, other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"other\"");
    }

    @Test
    void restoreKeepsOnlyMaximalOpsAndRecomputesWinnerAndContext() {
        Op a1 = update("a1", VectorClock.of("a", 1), "9");
        Op a2 = update("a2", VectorClock.of("a", 2), "1");
        Op b1 = delete("b1", VectorClock.of("b", 1));
        ObjectState s = engine.restore("doc", List.of(b1, a1, a2));
        assertThat(s.heads()).containsExactly(a2, b1);
        assertThat(s.winnerOpId()).isEqualTo("b1");
        assertThat(s.context()).isEqualTo(VectorClock.of("a", 2, "b", 1));
        assertThat(s).isEqualTo(applyAll(a2, a1, b1));
    }

    @Test
    void restoreRejectsAnEmptyHeadSet() {
        assertThatThrownBy(() -> engine.restore("doc", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void joinRejectsStatesOfDifferentObjects() {
        ObjectState a = applyAll(update("a1", VectorClock.of("a", 1), "1"));
        ObjectState b = engine.apply(null, Op.update("b1", "other", "note", VectorClock.of("b", 1), Payload.parse("1"))).state();
        assertThatThrownBy(() -> engine.join(a, b)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policyTiesAreBrokenByOpId() {
        MergePolicy indifferent = new MergePolicy() {
            @Override
            public int compare(Op a, Op b) {
                return 0;
            }

            @Override
            public ConflictReason reason(Op winner, Op loser) {
                throw new AssertionError("not asked when the policy cannot tell");
            }

            @Override
            public String id() {
                return "indifferent";
            }
        };
        MergeEngine e = MergeEngine.of(indifferent);
        Op x = update("x", VectorClock.of("a", 1), "\"zzz\"");
        Op y = update("y", VectorClock.of("b", 1), "\"aaa\"");
        ApplyResult r = e.apply(e.apply(null, x).state(), y);
        assertThat(r.state().winnerOpId()).isEqualTo("y");
        assertThat(r.conflicts()).containsExactly(new Conflict("doc", "y", "x", ConflictReason.OP_ID_ORDER, 1));
        // A third concurrent op meets two heads (the engine's path for several heads): its one
        // record names the best-ranked of them, y, and is decided by op id, whether the new op
        // ranks below both heads or above them.
        Op w = update("w", VectorClock.of("c", 1), "\"mmm\"");
        ApplyResult below = e.apply(r.state(), w);
        assertThat(below.state().heads()).extracting(Op::opId).containsExactly("w", "x", "y");
        assertThat(below.state().winnerOpId()).isEqualTo("y");
        assertThat(below.conflicts()).containsExactly(new Conflict("doc", "y", "w", ConflictReason.OP_ID_ORDER, 2));
        Op z = update("z", VectorClock.of("c", 1), "\"mmm\"");
        ApplyResult above = e.apply(r.state(), z);
        assertThat(above.state().heads()).extracting(Op::opId).containsExactly("x", "y", "z");
        assertThat(above.state().winnerOpId()).isEqualTo("z");
        assertThat(above.conflicts()).containsExactly(new Conflict("doc", "z", "y", ConflictReason.OP_ID_ORDER, 2));
    }

    /**
     * A merge beside many heads whose payloads a store defers reads them in a few batches (the
     * levels of its binary search, four at a time), not one per comparison, and comes to the
     * state and conflict that the same heads with their payloads at hand give.
     */
    @Test
    void aMergeBesideManyDeferredHeadsReadsTheirPayloadsInAFewBatches() {
        for (int n : new int[] {3, 17, 100, 1000}) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ops.add(update(String.format(Locale.ROOT, "w%04d", i), VectorClock.of("w" + i, 1),
                        "{\"body\":\"" + "x".repeat(20) + String.format(Locale.ROOT, "%04d", (i * 7919) % n) + "\"}"));
            }
            ObjectState eager = applyAll(ops.toArray(Op[]::new));
            // The same state as a store reads it back: heads in rank order, payloads deferred but the winner's.
            Map<String, String> texts = new HashMap<>();
            List<List<String>> calls = new ArrayList<>();
            Payload.Source source = Payload.source(keys -> {
                calls.add(List.copyOf(keys));
                Map<String, String> found = new HashMap<>();
                keys.forEach(k -> found.put(k, texts.get(k)));
                return found;
            }, k -> new IllegalStateException(k));
            List<Op> ranked = new ArrayList<>();
            for (Op head : eager.headsByRank()) {
                texts.put(head.opId(), head.payload().json());
                ranked.add(ranked.isEmpty() ? head : head.toBuilder().payload(source.payload(head.opId())).build());
            }
            ObjectState deferred = engine.fromRankedHeads("doc", ranked, eager.context());
            // Supersedes one head, stands beside the others, and ranks below the winner.
            Op next = update("w0001-2", VectorClock.of("w1", 2), "{\"body\":\"" + "x".repeat(20) + "0000\"}");
            ApplyResult byEager = engine.apply(eager, next);
            ApplyResult byDeferred = engine.apply(deferred, next);
            List<List<String>> reads = List.copyOf(calls);
            // (Comparing the heads reads the rest.)
            assertThat(byDeferred.state().headsByRank()).as("heads beside %d", n).isEqualTo(byEager.state().headsByRank());
            assertThat(byDeferred.conflicts()).isEqualTo(byEager.conflicts());
            calls.clear();
            calls.addAll(reads);
            // One read for the best head the op meets when the winner was the head it superseded,
            // then one per four levels of the search.
            int levels = 32 - Integer.numberOfLeadingZeros(n);
            assertThat(calls).as("reads beside %d heads", n).hasSizeLessThanOrEqualTo(1 + (levels + 3) / 4);
            assertThat(calls.stream().mapToInt(List::size).max().orElse(0)).isLessThanOrEqualTo(15);
            if (n == 1000) {
                // Binary search alone would have read one payload per level, about ten.
                assertThat(calls).hasSizeBetween(2, 4);
            }
        }
    }
}
