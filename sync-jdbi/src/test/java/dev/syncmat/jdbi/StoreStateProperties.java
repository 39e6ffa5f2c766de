package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Stateful properties of the store: random sequences of pushes (new ops, re-sent ops, a mix, an op
 * id reused with other content, a push the caller rolls back), incremental pulls by a follower,
 * scoped pulls, history and conflict queries and replays, over two tenants that share object ids
 * and op ids, on a fresh database per try. After every step the store must equal an in-memory
 * model: a {@link Materializer} per tenant plus the journal and change sequence numbers, conflict
 * records and receive times the model predicts.
 *
 * <p>Laws: equivalence with the model (push outcomes, full and scoped pulls, journal size, head
 * cursor, conflict records and counts, history); idempotence of delivery (a re-sent op is a
 * {@code duplicate} and changes nothing); a follower that pulls by cursor sees exactly the
 * objects that changed since its last pull and ends equal to the model; a rejected or rolled back
 * push writes nothing; replay finds nothing to correct.
 */
class StoreStateProperties {
    private static final String A = "tenant-a";
    private static final String B = "t\u00e9nant-\ud83d\ude80";
    private static final Instant START = Instant.parse("2026-11-25T00:00:00Z");
    private static final List<String> ACTIONS = List.of("push new", "push again", "push mixed", "push reused id",
            "push rolled back", "follower pulls", "scoped pull", "history", "conflict queries", "replay verify",
            "replay rebuild");

    /** States opened by the running property, closed after it whatever happened. */
    private static final ConcurrentLinkedQueue<State> OPEN = new ConcurrentLinkedQueue<>();

    @Property(tries = 25)
    void storeEqualsTheModelAfterEveryStepOnH2(@ForAll("h2") ActionChain<State> chain) {
        run(chain);
        // Every kind of step runs, and the merge produces every outcome.
        Statistics.label("action").coverage(c -> ACTIONS.forEach(a -> c.check(a).count(n -> n >= 5)));
        Statistics.label("push outcome").coverage(c -> List.of(Outcome.values())
                .forEach(o -> c.check(o.wireName()).percentage(p -> p >= 5)));
    }

    /** Fewer and shorter runs: each PostgreSQL database costs a CREATE DATABASE and real round trips. */
    @Property(tries = 4)
    void storeEqualsTheModelAfterEveryStepOnPostgresql(@ForAll("postgresql") ActionChain<State> chain) {
        run(chain);
    }

    private static void run(ActionChain<State> chain) {
        try {
            chain.withInvariant("store equals model", State::checkAgainstModel).run();
            int steps = chain.transformations().size();
            Statistics.label("steps per run").collect(steps < 10 ? "1..9" : steps < 20 ? "10..19" : "20+");
        } finally {
            for (State s; (s = OPEN.poll()) != null; ) {
                s.close();
            }
        }
    }

    @Provide
    Arbitrary<ActionChain<State>> h2() {
        return chains(TestDatabases.Kind.H2, 25);
    }

    /** On PostgreSQL, and (each try on one of them) on Citus too when one is configured. */
    @Provide
    Arbitrary<ActionChain<State>> postgresql() {
        return Arbitraries.of(TestDatabases.serverKinds()).flatMap(kind -> chains(kind, 20));
    }

    private static Arbitrary<ActionChain<State>> chains(TestDatabases.Kind kind, int steps) {
        Arbitrary<CausalHistory> histories = CausalHistoryArbitraries.histories(CausalHistories.defaults()
                        .replicas(2, 5).objects(1, 12).steps(20, 150))
                .filter(h -> !h.ops().isEmpty());
        return Combinators.combine(histories, histories).flatAs((a, b) -> ActionChain
                .<State>startWith(() -> State.open(kind, a, b))
                .withAction(3, new PushNew())
                .withAction(1, new PushAgain())
                .withAction(2, new PushMixed())
                .withAction(1, new PushReusedId())
                .withAction(1, new PushRolledBack())
                .withAction(2, new FollowerPulls())
                .withAction(1, new ScopedPull())
                .withAction(1, new HistoryOfAnObject())
                .withAction(1, new ConflictQueries())
                .withAction(1, new Replay(ReplayMode.VERIFY))
                .withAction(1, new Replay(ReplayMode.REBUILD))
                .withMaxTransformations(steps));
    }

    // ---------------------------------------------------------------------------------------------
    // The state: the store on a fresh database, and the model of each tenant

    /** What the model expects of one history entry (receive time included). */
    record Step(long journalSeq, Op op, Instant receivedAt, Outcome outcome, List<Conflict> conflicts) {
    }

    /** One tenant's model: its history, what was pushed, and what the store must hold. */
    static final class TenantModel {
        final String tenant;
        final List<Op> history;
        final List<Op> unpushed;
        final List<Op> pushed = new ArrayList<>();
        final Materializer materializer = Materializer.create();
        final List<ConflictRecord> conflicts = new ArrayList<>();
        final Map<String, List<Step>> steps = new HashMap<>();
        long journalSeq;
        long changeSeq;
        /** A client that pulls by cursor, and the objects changed since its last pull. */
        String followerCursor;
        final Map<String, MaterializedObject> follower = new HashMap<>();
        final Set<String> changedSinceFollower = new HashSet<>();

        TenantModel(String tenant, CausalHistory history) {
            this.tenant = tenant;
            this.history = history.ops();
            this.unpushed = new ArrayList<>(history.ops());
        }

        Map<String, MaterializedObject> expected() {
            return StoreTesting.expected(materializer);
        }

        /** Applies a batch the store accepted, predicting journal and change numbers and conflicts. */
        List<OpResult> accept(List<Op> batch, Instant now) {
            List<ApplyResult> results = materializer.applyAll(batch);
            Set<String> changed = new LinkedHashSet<>();
            List<OpResult> outcomes = new ArrayList<>();
            for (ApplyResult r : results) {
                Op op = r.op();
                outcomes.add(new OpResult(op.opId(), r.outcome()));
                if (r.outcome() == Outcome.DUPLICATE) {
                    continue;
                }
                journalSeq++;
                pushed.add(op);
                unpushed.remove(op);
                steps.computeIfAbsent(op.objectId(), k -> new ArrayList<>())
                        .add(new Step(journalSeq, op, now, r.outcome(), r.conflicts()));
                List<ConflictRecord> group = new ArrayList<>();
                for (Conflict c : r.conflicts()) {
                    group.add(new ConflictRecord(journalSeq, c.objectId(), r.state().objectType(), c.winnerOpId(),
                            c.loserOpId(), c.reason(), now, c.metHeads()));
                }
                group.sort(Comparator.comparing(ConflictRecord::winnerOpId, Utf8Order.COMPARATOR)
                        .thenComparing(ConflictRecord::loserOpId, Utf8Order.COMPARATOR));
                conflicts.addAll(group);
                if (r.outcome().changed()) {
                    changed.add(op.objectId());
                }
            }
            changeSeq += changed.size();
            changedSinceFollower.addAll(changed);
            return outcomes;
        }

        List<ConflictCount> conflictCounts() {
            Map<List<String>, Long> counts = new TreeMap<>(Comparator.<List<String>, String>comparing(k -> k.get(0),
                    Utf8Order.COMPARATOR).thenComparing(k -> k.get(1), Utf8Order.COMPARATOR));
            conflicts.forEach(c -> counts.merge(List.of(c.reason().code(), c.objectType()), 1L, Long::sum));
            List<ConflictCount> out = new ArrayList<>();
            counts.forEach((k, n) -> out.add(new ConflictCount(ConflictReason.of(k.get(0)), k.get(1), n)));
            return out;
        }
    }

    /** The system under test and its model. */
    static final class State {
        final TestDatabases.Database db;
        final SyncStore store;
        final TestClock clock = new TestClock(START);
        final Map<String, TenantModel> tenants = new LinkedHashMap<>();

        private State(TestDatabases.Kind kind, CausalHistory a, CausalHistory b) {
            this.db = TestDatabases.create(kind);
            this.store = SyncStore.builder(db.jdbi()).clock(clock).build();
            store.migrate();
            tenants.put(A, new TenantModel(A, a));
            tenants.put(B, new TenantModel(B, b));
        }

        static State open(TestDatabases.Kind kind, CausalHistory a, CausalHistory b) {
            State s = new State(kind, a, b);
            OPEN.add(s);
            return s;
        }

        /** Frees an H2 database's memory (it would otherwise live until the JVM exits). */
        void close() {
            if (db.kind() == TestDatabases.Kind.H2) {
                try (Connection c = DriverManager.getConnection(db.url()); Statement st = c.createStatement()) {
                    st.execute("SHUTDOWN");
                } catch (SQLException e) {
                    throw new IllegalStateException("could not shut down " + db.url(), e);
                }
            }
        }

        TenantModel tenant(String id) {
            return tenants.get(id);
        }

        Map<String, Long> counts() {
            Map<String, Long> counts = new TreeMap<>();
            for (String table : StoreTesting.TABLES) {
                counts.put(table, db.count(table));
            }
            return counts;
        }

        /** Pushes {@code batch} and checks the outcomes against what the model predicts. */
        void push(String tenant, List<Op> batch, boolean inCallerTransaction) {
            TenantModel m = tenant(tenant);
            Set<String> seenBefore = new HashSet<>();
            batch.stream().filter(m.pushed::contains).forEach(op -> seenBefore.add(op.opId()));
            Instant now = clock.tick();
            PushResult result = inCallerTransaction
                    ? db.jdbi().inTransaction(h -> store.push(h, tenant, batch))
                    : store.push(tenant, batch);
            List<OpResult> expected = m.accept(batch, now);
            assertThat(result.results()).as("push outcomes of %s", tenant).isEqualTo(expected);
            for (OpResult r : result.results()) {
                Statistics.label("push outcome").collect(r.outcome().wireName());
                if (seenBefore.contains(r.opId())) {
                    assertThat(r.outcome()).as("outcome of re-sent op %s", r.opId()).isEqualTo(Outcome.DUPLICATE);
                }
            }
            assertThat(Cursors.decode(result.serverCursor(), tenant).changeSeq()).as("server cursor of the push").isEqualTo(m.changeSeq);
        }

        /** After every step: everything the store says about each tenant equals the model. */
        void checkAgainstModel() {
            for (TenantModel m : tenants.values()) {
                String t = m.tenant;
                StoreTesting.Pulled full = StoreTesting.pullAll(store, t, PullRequest.initial().withLimit(1000));
                assertThat(full.byId()).as("full pull of %s", t).isEqualTo(m.expected());
                assertThat(db.count("sync_journal", t)).as("journal of %s", t).isEqualTo(m.materializer.opCount());
                assertThat(m.journalSeq).isEqualTo(m.materializer.opCount());
                assertThat(Cursors.decode(store.headCursor(t), t).changeSeq()).as("head of %s", t).isEqualTo(m.changeSeq);
                assertThat(full.cursor()).isEqualTo(store.headCursor(t));
                assertThat(store.conflicts(t, ConflictQuery.all())).as("conflicts of %s", t).isEqualTo(m.conflicts);
                assertThat(store.conflictCounts(t)).as("conflict counts of %s", t).isEqualTo(m.conflictCounts());
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("State(" + db.kind());
            tenants.values().forEach(m -> sb.append(", ").append(m.tenant).append(": ").append(m.pushed.size())
                    .append(" of ").append(m.history.size()).append(" ops pushed"));
            return sb.append(")").toString();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Actions. Each picks a tenant and draws what it needs from the state it runs on.

    private static Arbitrary<String> tenantWhere(State s, Function<TenantModel, Boolean> condition) {
        List<String> ok = s.tenants.values().stream().filter(condition::apply).map(m -> m.tenant).toList();
        return Arbitraries.of(ok);
    }

    /** Up to {@code max} distinct ops of {@code from}, in a random order or in list order. */
    private static Arbitrary<List<Op>> some(List<Op> from, int max) {
        List<Op> copy = List.copyOf(from);
        return Combinators.combine(Arbitraries.integers().between(0, copy.size() - 1).set().ofMinSize(1)
                        .ofMaxSize(Math.min(max, copy.size())), Arbitraries.randoms(), Arbitraries.of(true, false))
                .as((indices, random, shuffle) -> {
                    List<Op> ops = new ArrayList<>();
                    indices.stream().sorted().forEach(i -> ops.add(copy.get(i)));
                    if (shuffle) {
                        Collections.shuffle(ops, random);
                    }
                    return ops;
                });
    }

    /** A push of ops of the tenant's history not pushed yet. */
    static final class PushNew implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.unpushed.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.unpushed.isEmpty()).flatMap(t -> Combinators.combine(
                    some(s.tenant(t).unpushed, 30), Arbitraries.of(false, false, true)).as((ops, tx) ->
                    Transformer.mutate("push new " + ops.size() + " to " + t + (tx ? " in a caller transaction" : ""), st -> {
                        Statistics.label("action").collect("push new");
                        st.push(t, ops, tx);
                    })));
        }
    }

    /** Duplicate delivery: a push of ops already pushed; every outcome is {@code duplicate}. */
    static final class PushAgain implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.pushed.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.pushed.isEmpty()).flatMap(t -> some(s.tenant(t).pushed, 20).map(ops ->
                    Transformer.mutate("push again " + ops.size() + " to " + t, st -> {
                        Statistics.label("action").collect("push again");
                        // (When a shrunk sequence runs this before the ops were pushed, it is an ordinary push.)
                        boolean allPushed = st.tenant(t).pushed.containsAll(ops);
                        Map<String, Long> before = st.counts();
                        st.push(t, ops, false);
                        if (allPushed) {
                            assertThat(st.counts()).as("rows after a push of duplicates only").isEqualTo(before);
                        }
                    })));
        }
    }

    /** A push mixing new ops, re-sent ones and an op given twice in the same batch. */
    static final class PushMixed implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.pushed.isEmpty() && !m.unpushed.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.pushed.isEmpty() && !m.unpushed.isEmpty()).flatMap(t -> Combinators.combine(
                    some(s.tenant(t).unpushed, 20), some(s.tenant(t).pushed, 10), Arbitraries.randoms(),
                    Arbitraries.of(true, false)).as((fresh, again, random, twice) -> {
                        List<Op> ops = new ArrayList<>(fresh);
                        ops.addAll(again);
                        if (twice) {
                            ops.add(fresh.get(random.nextInt(fresh.size())));
                        }
                        Collections.shuffle(ops, random);
                        return Transformer.<State>mutate("push mixed " + fresh.size() + " new, " + again.size()
                                + " again" + (twice ? ", one twice" : "") + " to " + t, st -> {
                            Statistics.label("action").collect("push mixed");
                            st.push(t, ops, false);
                        });
                    }));
        }
    }

    /** An op id already pushed, with other content, in a batch of new ops: refused, nothing written. */
    static final class PushReusedId implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.pushed.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.pushed.isEmpty()).flatMap(t -> {
                TenantModel m = s.tenant(t);
                Arbitrary<List<Op>> fresh = m.unpushed.isEmpty() ? Arbitraries.just(List.of()) : some(m.unpushed, 10);
                return Combinators.combine(Arbitraries.of(m.pushed), fresh, Arbitraries.integers().between(0, 3),
                        Arbitraries.randoms(), Arbitraries.of(true, false)).as((original, ops, change, random, tx) -> {
                            Op reused = changed(original, change);
                            List<Op> batch = new ArrayList<>(ops);
                            batch.add(random.nextInt(batch.size() + 1), reused);
                            return Transformer.<State>mutate("push op id " + original.opId() + " reused (change " + change
                                    + ") with " + ops.size() + " new to " + t + (tx ? " in a caller transaction" : ""), st -> {
                                Statistics.label("action").collect("push reused id");
                                if (!st.tenant(t).pushed.contains(original)) {
                                    // A shrunk sequence in which the original was never pushed: no reuse.
                                    st.push(t, batch, false);
                                    return;
                                }
                                Map<String, Long> before = st.counts();
                                Throwable thrown = catchThrowable(() -> {
                                    if (tx) {
                                        // The caller's transaction stays usable: it commits, and nothing of the push is in it.
                                        st.db.jdbi().useTransaction(h -> {
                                            Throwable inner = catchThrowable(() -> st.store.push(h, t, batch));
                                            assertThat(inner).isInstanceOf(OpIdReusedException.class);
                                            h.execute("SELECT 1");
                                            throw (OpIdReusedException) inner;
                                        });
                                    } else {
                                        st.store.push(t, batch);
                                    }
                                });
                                assertThat(thrown).isInstanceOf(OpIdReusedException.class);
                                assertThat(((OpIdReusedException) thrown).opId()).isEqualTo(original.opId());
                                // The model refuses the batch too, and stays as it was.
                                assertThat(catchThrowable(() -> st.tenant(t).materializer.applyAll(batch)))
                                        .isInstanceOf(OpIdReusedException.class);
                                assertThat(st.counts()).as("rows after a refused push").isEqualTo(before);
                            });
                        });
            });
        }

        /** {@code op} with one thing changed under the same op id: 0 the clock, 1 the type, 2 the tags, 3 the payload or kind. */
        static Op changed(Op op, int change) {
            Op.Builder b = op.toBuilder();
            switch (change) {
                case 0 -> b.clock(op.clock().increment("intruder"));
                case 1 -> b.objectType(op.objectType() + "-x");
                case 2 -> b.tags(List.of("reused"));
                default -> {
                    if (op.isDelete()) {
                        b.kind(OpKind.UPDATE).payload(Payload.parse("\"was a delete\""));
                    } else {
                        b.payload(Payload.parse("[" + op.payload().json() + "]"));
                    }
                }
            }
            return b.build();
        }
    }

    /** A push inside a caller's transaction that the caller then rolls back: nothing stays. */
    static final class PushRolledBack implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.unpushed.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.unpushed.isEmpty()).flatMap(t -> some(s.tenant(t).unpushed, 20).map(ops ->
                    Transformer.mutate("push " + ops.size() + " to " + t + ", rolled back by the caller", st -> {
                        Statistics.label("action").collect("push rolled back");
                        Map<String, Long> before = st.counts();
                        String head = st.store.headCursor(t);
                        st.clock.tick();
                        Throwable thrown = catchThrowable(() -> st.db.jdbi().useTransaction(h -> {
                            st.store.push(h, t, ops);
                            throw new IllegalStateException("the caller changes its mind");
                        }));
                        assertThat(thrown).hasMessage("the caller changes its mind");
                        assertThat(st.counts()).as("rows after a rolled back push").isEqualTo(before);
                        assertThat(st.store.headCursor(t)).isEqualTo(head);
                    })));
        }
    }

    /** The tenant's follower pulls by cursor, page by page, until there is no more. */
    static final class FollowerPulls implements Action.Dependent<State> {
        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return Combinators.combine(Arbitraries.of(List.copyOf(s.tenants.keySet())), Arbitraries.integers().between(1, 8))
                    .as((t, limit) -> Transformer.mutate("follower of " + t + " pulls, " + limit + " per page", st -> {
                        Statistics.label("action").collect("follower pulls");
                        TenantModel m = st.tenant(t);
                        StoreTesting.Pulled pulled = StoreTesting.pullAll(st.store, t,
                                PullRequest.since(m.followerCursor).withLimit(limit));
                        // Exactly the objects that changed since the last pull, each once, as they are now.
                        Map<String, MaterializedObject> got = pulled.byId();
                        assertThat(got.keySet()).as("objects pulled by the follower of %s", t)
                                .isEqualTo(m.changedSinceFollower);
                        Map<String, MaterializedObject> expected = m.expected();
                        got.forEach((id, o) -> assertThat(o).isEqualTo(expected.get(id)));
                        m.follower.putAll(got);
                        m.followerCursor = pulled.cursor();
                        m.changedSinceFollower.clear();
                        assertThat(m.follower).as("follower of %s after catching up", t).isEqualTo(expected);
                        assertThat(Cursors.decode(m.followerCursor, t).changeSeq()).isEqualTo(m.changeSeq);
                        Statistics.label("objects per follower pull").collect(got.size() < 3 ? "0..2" : got.size() < 8 ? "3..7" : "8+");
                    }));
        }
    }

    /** A full pull restricted by types, ids and tags returns what the scope selects from the model. */
    static final class ScopedPull implements Action.Dependent<State> {
        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            Arbitrary<List<String>> types = Arbitraries.of("task", "note", "other").list().ofMaxSize(2);
            Arbitrary<List<String>> ids = Arbitraries.integers().between(0, 13).map(CausalHistories::objectId).list().ofMaxSize(4);
            Arbitrary<List<String>> tags = Arbitraries.of("inbox", "work", "stra\u00dfe", "none").list().ofMaxSize(2);
            return Combinators.combine(Arbitraries.of(List.copyOf(s.tenants.keySet())), types, ids, tags,
                    Arbitraries.integers().between(1, 5)).as((t, ty, id, tg, limit) -> {
                        Scope scope = new Scope(ty, id, tg);
                        return Transformer.mutate("scoped pull of " + t + " " + scope + ", " + limit + " per page", st -> {
                            Statistics.label("action").collect("scoped pull");
                            Map<String, MaterializedObject> expected = new HashMap<>();
                            st.tenant(t).expected().forEach((oid, o) -> {
                                if ((ty.isEmpty() || ty.contains(o.objectType())) && (id.isEmpty() || id.contains(oid))
                                        && (tg.isEmpty() || o.tags().stream().anyMatch(tg::contains))) {
                                    expected.put(oid, o);
                                }
                            });
                            StoreTesting.Pulled pulled = StoreTesting.pullAll(st.store, t,
                                    PullRequest.initial().withScope(scope).withLimit(limit));
                            assertThat(pulled.byId()).as("scoped pull").isEqualTo(expected);
                        });
                    });
        }
    }

    /** The history of an object of the tenant equals the steps the model recorded for it. */
    static final class HistoryOfAnObject implements Action.Dependent<State> {
        @Override
        public boolean precondition(State s) {
            return s.tenants.values().stream().anyMatch(m -> !m.steps.isEmpty());
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return tenantWhere(s, m -> !m.steps.isEmpty()).flatMap(t -> Arbitraries.of(List.copyOf(new TreeMap<>(
                    s.tenant(t).steps).keySet())).map(id -> Transformer.mutate("history of " + id + " in " + t, st -> {
                        Statistics.label("action").collect("history");
                        List<Step> want = st.tenant(t).steps.getOrDefault(id, List.of());
                        List<Step> got = st.store.history(t, id).stream()
                                .map(e -> new Step(e.journalSeq(), e.op(), e.receivedAt(), e.outcome(), e.conflicts())).toList();
                        assertThat(got).as("history of %s in %s", id, t).isEqualTo(want);
                    })));
        }
    }

    /** Conflict records by object and by time window equal the model's, filtered the same way. */
    static final class ConflictQueries implements Action.Dependent<State> {
        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            long seconds = Math.max(1, s.clock.now.getEpochSecond() - START.getEpochSecond() + 1);
            Arbitrary<Instant> times = Arbitraries.longs().between(0, seconds).map(START::plusSeconds);
            Arbitrary<String> objects = Arbitraries.integers().between(0, 13).map(CausalHistories::objectId);
            return Combinators.combine(Arbitraries.of(List.copyOf(s.tenants.keySet())), objects, times, times)
                    .as((t, id, from, to) -> Transformer.mutate("conflicts of " + t + " for " + id + " and in [" + from
                            + ", " + to + ")", st -> {
                        Statistics.label("action").collect("conflict queries");
                        List<ConflictRecord> all = st.tenant(t).conflicts;
                        assertThat(st.store.conflicts(t, ConflictQuery.object(id))).as("conflicts of object %s", id)
                                .isEqualTo(all.stream().filter(c -> c.objectId().equals(id)).toList());
                        assertThat(st.store.conflicts(t, ConflictQuery.between(from, to))).as("conflicts in a window")
                                .isEqualTo(all.stream().filter(c -> !c.createdAt().isBefore(from) && c.createdAt().isBefore(to))
                                        .toList());
                        assertThat(st.store.conflicts(t, new ConflictQuery(id, from, null))).isEqualTo(all.stream()
                                .filter(c -> c.objectId().equals(id) && !c.createdAt().isBefore(from)).toList());
                    }));
        }
    }

    /** Replay of one tenant finds the store consistent; a rebuild changes nothing, not even a cursor. */
    static final class Replay implements Action.Dependent<State> {
        private final ReplayMode mode;

        Replay(ReplayMode mode) {
            this.mode = mode;
        }

        @Override
        public Arbitrary<Transformer<State>> transformer(State s) {
            return Combinators.combine(Arbitraries.of(List.copyOf(s.tenants.keySet())), Arbitraries.integers().between(1, 40))
                    .as((t, page) -> Transformer.mutate("replay " + mode.wireName() + " " + t + ", " + page + " per page", st -> {
                        Statistics.label("action").collect("replay " + mode.wireName());
                        TenantModel m = st.tenant(t);
                        Map<String, Long> before = st.counts();
                        boolean hadCounterRow = st.db.count("sync_tenants", t) > 0;
                        Map<String, String> heads = new HashMap<>();
                        st.tenants.keySet().forEach(x -> heads.put(x, st.store.headCursor(x)));
                        ReplayOptions options = (mode == ReplayMode.VERIFY ? ReplayOptions.verify() : ReplayOptions.rebuild())
                                .withPageSize(page);
                        ReplayReport report = st.store.replay(t, options);
                        assertThat(report.consistent()).as("replay %s of %s: %s", mode.wireName(), t, report).isTrue();
                        assertThat(report.journalOps()).isEqualTo(m.journalSeq);
                        assertThat(report.objects()).isEqualTo(m.materializer.objects().size());
                        assertThat(report.conflicts()).isEqualTo(m.conflicts.size());
                        Map<String, Long> after = st.counts();
                        if (mode == ReplayMode.REBUILD && !hadCounterRow) {
                            // A rebuild takes the tenant's lock, which creates its (empty) counter row.
                            assertThat(st.db.count("sync_tenants", t)).isEqualTo(1);
                            after.merge("sync_tenants", -1L, Long::sum);
                        }
                        assertThat(after).as("rows after replay").isEqualTo(before);
                        st.tenants.keySet().forEach(x -> {
                            if (x.equals(t) && !hadCounterRow) {
                                // The new counter row drew the tenant's epoch; the head is still change 0.
                                assertThat(StoreTesting.seqOf(st.store.headCursor(x))).isZero();
                            } else {
                                assertThat(st.store.headCursor(x)).isEqualTo(heads.get(x));
                            }
                        });
                    }));
        }
    }
}
