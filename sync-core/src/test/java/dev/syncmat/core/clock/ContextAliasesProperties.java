package dev.syncmat.core.clock;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Context aliases are transparent: a journal of ops whose clocks name aliases, plus the aliases,
 * materializes exactly as the brute-force model materializes the same ops with full clocks, in
 * whatever order the journal's entries arrive. Aliases are made at random points of a random
 * arrival order (each is the context of the ops that arrived so far, so they form a chain), and
 * each op names, at random, one alias its clock covers, keeping only its entries above it (and
 * some covered ones, which change nothing).
 */
class ContextAliasesProperties {

    /** One journal entry: an op as sent, or an alias of an object in its stored form. */
    private record Entry(Op op, String objectId, int k, VectorClock stored) {
    }

    /** The journal of a history with aliases, and the ops as the model sees them (full clocks). */
    private record Journal(List<Entry> entries, List<Op> full, int aliases, int opsNamingAliases) {
    }

    @Provide
    Arbitrary<CausalHistory> histories() {
        return CausalHistoryArbitraries.histories();
    }

    @Provide
    Arbitrary<MergePolicy> policies() {
        return Arbitraries.of(MergePolicy.deleteWins(), MergePolicy.updateWins());
    }

    private static Journal journal(CausalHistory history, Random random) {
        List<Entry> entries = new ArrayList<>();
        int aliasCount = 0;
        int naming = 0;
        for (String objectId : history.objectIds()) {
            List<Op> ops = new ArrayList<>(history.opsOf(objectId));
            List<Op> arrival = new ArrayList<>(ops);
            Collections.shuffle(arrival, random);
            List<VectorClock> full = new ArrayList<>();
            ContextAliases aliases = ContextAliases.none();
            VectorClock context = VectorClock.empty();
            for (Op op : arrival) {
                context = context.merge(op.clock());
                if (random.nextInt(3) == 0) {
                    VectorClock stored = aliases.compress(context);
                    aliases = aliases.with(stored);
                    full.add(context);
                    entries.add(new Entry(null, objectId, aliases.latest(), stored));
                    aliasCount++;
                }
            }
            for (Op op : ops) {
                List<Integer> covered = new ArrayList<>();
                for (int k = 1; k <= full.size(); k++) {
                    ClockOrder order = op.clock().compare(full.get(k - 1));
                    if (order == ClockOrder.AFTER || order == ClockOrder.EQUAL) {
                        covered.add(k);
                    }
                }
                if (covered.isEmpty() || random.nextBoolean()) {
                    entries.add(new Entry(op, objectId, 0, null));
                    continue;
                }
                int k = covered.get(random.nextInt(covered.size()));
                VectorClock base = full.get(k - 1);
                TreeMap<String, Long> sent = new TreeMap<>(dev.syncmat.core.Utf8Order.COMPARATOR);
                sent.put(ContextAliases.ACTOR, (long) k);
                for (int i = 0; i < op.clock().size(); i++) {
                    String actor = op.clock().actorAt(i);
                    long c = op.clock().counterAt(i);
                    if (c > base.get(actor) || random.nextInt(4) == 0) {
                        sent.put(actor, c);
                    }
                }
                entries.add(new Entry(op.toBuilder().clock(VectorClock.of(sent)).build(), objectId, 0, null));
                naming++;
            }
        }
        return new Journal(entries, history.ops(), aliasCount, naming);
    }

    /**
     * Materializes journal entries in the given order the way a store replays them: an alias waits
     * for the one before it, and an op for the alias it names; each op is merged by its expansion.
     */
    private static SortedMap<String, ObjectState> materialize(List<Entry> entries, MergeEngine engine,
                                                              Map<String, ContextAliases> aliasesOut) {
        Materializer m = Materializer.of(engine);
        Map<String, ContextAliases> aliases = new HashMap<>();
        List<Entry> waiting = new ArrayList<>(entries);
        boolean progress = true;
        while (!waiting.isEmpty() && progress) {
            progress = false;
            List<Entry> still = new ArrayList<>();
            for (Entry e : waiting) {
                String objectId = e.op() != null ? e.op().objectId() : e.objectId();
                ContextAliases a = aliases.getOrDefault(objectId, ContextAliases.none());
                if (e.op() == null) {
                    if (e.k() == a.latest() + 1) {
                        aliases.put(objectId, a.with(e.stored()));
                        progress = true;
                    } else {
                        still.add(e);
                    }
                } else if (e.op().clock().get(ContextAliases.ACTOR) <= a.latest()) {
                    m.apply(e.op().withCausalClock(a.expand(e.op().clock())));
                    progress = true;
                } else {
                    still.add(e);
                }
            }
            waiting = still;
        }
        assertThat(waiting).as("entries waiting for an alias that never came").isEmpty();
        SortedMap<String, ObjectState> out = new TreeMap<>(dev.syncmat.core.Utf8Order.COMPARATOR);
        for (ObjectState s : m.objects()) {
            out.put(s.objectId(), s);
        }
        aliasesOut.putAll(aliases);
        return out;
    }

    /** What a client is served of an object: its view with the context compressed. */
    private static String served(ObjectState s, ContextAliases aliases) {
        MaterializedObject v = MaterializedObject.of(s);
        return SyncJson.create().writeObject(new MaterializedObject(v.objectId(), v.objectType(), v.tags(), v.payload(),
                v.deleted(), v.clock(), aliases.compress(v.context()), v.winnerOpId(), v.heads()));
    }

    /** Equivalence with the brute-force model on full clocks, and independence of the journal's order. */
    @Property(tries = 500)
    void aliasedJournalMaterializesAsTheModelOfFullClocksInAnyOrder(@ForAll("histories") CausalHistory history,
                                                                    @ForAll("policies") MergePolicy policy,
                                                                    @ForAll Random random) {
        Journal journal = journal(history, random);
        Statistics.label("op names an alias").collect(journal.opsNamingAliases() > 0);
        Statistics.label("op names an alias").coverage(c -> c.check(true).percentage(p -> p >= 30));
        MergeEngine engine = MergeEngine.of(policy);
        SortedMap<String, MaterializedObject> model = ReferenceModel.of(policy).materialize(journal.full());
        SortedMap<String, List<Op>> modelHeads = ReferenceModel.of(policy).heads(journal.full());

        Map<String, ContextAliases> aliases = new HashMap<>();
        SortedMap<String, ObjectState> states = materialize(journal.entries(), engine, aliases);
        assertThat(states.keySet()).containsExactlyElementsOf(model.keySet());
        for (var e : states.entrySet()) {
            ObjectState s = e.getValue();
            ContextAliases a = aliases.getOrDefault(e.getKey(), ContextAliases.none());
            MaterializedObject expected = model.get(e.getKey());
            assertThat(s.heads().stream().map(Op::opId).toList())
                    .containsExactlyElementsOf(modelHeads.get(e.getKey()).stream().map(Op::opId).toList());
            assertThat(s.winnerOpId()).isEqualTo(expected.winnerOpId());
            assertThat(s.context()).isEqualTo(expected.context());
            assertThat(a.expand(s.clock())).isEqualTo(expected.clock());
            assertThat(s.isTombstone()).isEqualTo(expected.deleted());
            assertThat(s.payload()).isEqualTo(expected.payload());
            assertThat(s.tags()).isEqualTo(expected.tags());
            assertThat(s.objectType()).isEqualTo(expected.objectType());
            assertThat(a.expand(a.compress(s.context()))).isEqualTo(s.context());
        }

        List<Entry> shuffled = new ArrayList<>(journal.entries());
        Collections.shuffle(shuffled, random);
        Map<String, ContextAliases> aliases2 = new HashMap<>();
        SortedMap<String, ObjectState> again = materialize(shuffled, engine, aliases2);
        assertThat(again.keySet()).containsExactlyElementsOf(states.keySet());
        for (String id : states.keySet()) {
            ContextAliases a = aliases.getOrDefault(id, ContextAliases.none());
            assertThat(again.get(id).heads()).isEqualTo(states.get(id).heads());
            assertThat(served(again.get(id), aliases2.getOrDefault(id, ContextAliases.none()))).isEqualTo(served(states.get(id), a));
        }
    }

    /** Expansion is a join homomorphism and compression its exact inverse on contexts. */
    @Property(tries = 500)
    void expandPreservesJoinsAndCompressionLosesNothing(@ForAll("histories") CausalHistory history, @ForAll Random random) {
        for (String objectId : history.objectIds()) {
            List<Op> ops = history.opsOf(objectId);
            ContextAliases aliases = ContextAliases.none();
            VectorClock context = VectorClock.empty();
            for (Op op : ops) {
                context = context.merge(op.clock());
                if (random.nextInt(3) == 0) {
                    aliases = aliases.with(aliases.compress(context));
                }
                VectorClock served = aliases.compress(context);
                assertThat(aliases.expand(served)).isEqualTo(context);
                if (aliases.latest() > 0) {
                    VectorClock x = VectorClock.of(ContextAliases.ACTOR, 1 + random.nextInt(aliases.latest()))
                            .merge(op.clock());
                    assertThat(aliases.expand(x.merge(served))).isEqualTo(aliases.expand(x).merge(aliases.expand(served)));
                    VectorClock y = VectorClock.of(ContextAliases.ACTOR, 1 + random.nextInt(aliases.latest()));
                    assertThat(aliases.expand(x.merge(y))).isEqualTo(aliases.expand(x).merge(aliases.expand(y)));
                }
            }
        }
    }
}
