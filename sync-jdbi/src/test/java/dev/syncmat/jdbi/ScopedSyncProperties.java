package dev.syncmat.jdbi;

import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.testing.CausalHistories;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selective sync never goes stale: clients that each keep a copy of one scope, pulling by cursor at
 * random points with random page sizes while a realistic history is pushed (objects retagged,
 * changing type, deleted by ops that name their tags or none, resurrected), end with exactly the
 * objects of their scope, whatever left the scope in between. Law: equivalence with the model, a
 * {@link Materializer} over the pushed ops filtered by each scope.
 */
class ScopedSyncProperties {
    private static final String T = "tenant-s";

    /** The scopes the clients follow: by tag, by type, both, by several tags, by ids, and everything. */
    private static final List<Scope> SCOPES = List.of(
            Scope.tags("work"),
            Scope.types("note"),
            new Scope(List.of("task"), List.of(), List.of("inbox")),
            Scope.tags("inbox", "stra\u00dfe"),
            Scope.ids(CausalHistories.objectId(0), CausalHistories.objectId(2), CausalHistories.objectId(7), "never-written"),
            new Scope(List.of("note"), List.of(CausalHistories.objectId(1), CausalHistories.objectId(3), CausalHistories.objectId(8)), List.of("work")),
            Scope.all());

    @Property(tries = 60)
    void scopedClientsEndWithExactlyTheirScopeOnH2(@ForAll long seed, @ForAll @IntRange(min = 40, max = 250) int steps) {
        run(TestDatabases.Kind.H2, seed, steps);
        // Objects do leave scopes in these histories: most runs apply removals.
        net.jqwik.api.statistics.Statistics.label("removals applied")
                .coverage(c -> c.check("some").percentage(p -> p >= 50));
    }

    /** Fewer tries: every PostgreSQL try costs a database. */
    @Property(tries = 8)
    void scopedClientsEndWithExactlyTheirScopeOnPostgresql(@ForAll long seed,
                                                           @ForAll @IntRange(min = 40, max = 250) int steps) {
        for (TestDatabases.Kind kind : TestDatabases.serverKinds()) {
            run(kind, seed, steps);
        }
    }

    /** A client's copy of one scope, kept as the protocol says: objects upserted, removals dropped. */
    private static final class Client {
        final Scope scope;
        final Map<String, MaterializedObject> local = new HashMap<>();
        String cursor;
        int removals;

        Client(Scope scope) {
            this.scope = scope;
        }

        void sync(SyncStore store, Random random) {
            for (int page = 0; ; page++) {
                assertThat(page).as("pages of one sync").isLessThan(10_000);
                int limit = 1 + random.nextInt(6);
                PullResponse r = store.pull(T, new PullRequest(cursor, scope, limit));
                assertThat(r.objects().size() + r.removed().size()).as("entries of a page").isLessThanOrEqualTo(limit);
                List<String> ids = new ArrayList<>();
                r.objects().forEach(o -> ids.add(o.objectId()));
                ids.addAll(r.removed());
                assertThat(ids).as("one entry per object per page").doesNotHaveDuplicates();
                for (MaterializedObject o : r.objects()) {
                    assertThat(matches(scope, o)).as("%s is in %s", o.objectId(), scope).isTrue();
                    local.put(o.objectId(), o);
                }
                for (String id : r.removed()) {
                    local.remove(id);
                    removals++;
                }
                cursor = r.serverCursor();
                if (!r.hasMore()) {
                    return;
                }
            }
        }
    }

    static boolean matches(Scope scope, MaterializedObject o) {
        return (scope.types().isEmpty() || scope.types().contains(o.objectType()))
                && (scope.ids().isEmpty() || scope.ids().contains(o.objectId()))
                && (scope.tags().isEmpty() || o.tags().stream().anyMatch(scope.tags()::contains));
    }

    private static void run(TestDatabases.Kind kind, long seed, int steps) {
        TestDatabases.Database db = TestDatabases.create(kind);
        try {
            SyncStore store = SyncStore.create(db.jdbi());
            store.migrate();
            Random random = new Random(seed);
            // Retags and type changes more often than by default: this property is about leaving scopes.
            List<Op> ops = CausalHistories.defaults().replicas(2 + random.nextInt(3)).objects(4 + random.nextInt(8))
                    .steps(steps).retagRate(0.4).typeChangeRate(0.2).generate(seed).ops();
            List<Client> clients = new ArrayList<>();
            SCOPES.forEach(s -> clients.add(new Client(s)));
            Materializer model = Materializer.create();
            int pushed = 0;
            while (pushed < ops.size()) {
                int n = 1 + random.nextInt(Math.min(12, ops.size() - pushed));
                List<Op> batch = ops.subList(pushed, pushed + n);
                store.push(T, batch);
                model.applyAll(batch);
                pushed += n;
                for (Client c : clients) {
                    if (random.nextInt(3) == 0) {
                        c.sync(store, random);
                    }
                }
            }
            Map<String, MaterializedObject> full = StoreTesting.expected(model);
            int removals = 0;
            for (Client c : clients) {
                c.sync(store, random);
                Map<String, MaterializedObject> expected = new HashMap<>();
                full.forEach((id, o) -> {
                    if (matches(c.scope, o)) {
                        expected.put(id, o);
                    }
                });
                assertThat(c.local).as("client of %s on %s (seed %d)", c.scope, kind, seed).isEqualTo(expected);
                removals += c.removals;
            }
            assertThat(clients.get(clients.size() - 1).local).as("the unscoped client").isEqualTo(full);
            net.jqwik.api.statistics.Statistics.label("removals applied").collect(removals == 0 ? "none" : "some");
        } finally {
            if (kind == TestDatabases.Kind.H2) {
                try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
