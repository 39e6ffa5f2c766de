package dev.syncmat.jdbi;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.ReferenceModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
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
 * Retention never changes what a client that follows the protocol ends with. A shuffled causal
 * history (deletes, concurrent edits, resurrections) is pushed one batch per second into a tenant
 * and into its unpurged twin; the tenant is purged at a random horizon (with or without an
 * archive, in random batch sizes); the rest of the history arrives late, while clients pull by
 * cursor at random points and, on {@code cursor_expired}, drop their copy and resync from null.
 *
 * <p>Laws: equivalence with the reference model (every client's live objects are the model's);
 * no purged object resurrects (every object reads as in the twin, except tombstones that are
 * graves, and late ops have the twin's outcomes); replay after the purge finds nothing to correct;
 * the archive's removed entries plus the remaining journal, and the snapshot plus the journal after
 * the horizon, both materialize to the twin's objects.
 */
class RetentionProperties {
    private static final String T = "tenant-r";
    private static final String TWIN = "tenant-r-twin";
    private static final Instant START = Instant.parse("2026-11-25T00:00:00Z");
    private static final List<Scope> SCOPES = List.of(Scope.all(), Scope.all(), Scope.types("note"), Scope.all());

    @Property(tries = 40)
    void clientsFollowingTheProtocolEndEqualToTheModelAfterAPurgeOnH2(@ForAll long seed,
                                                                       @ForAll @IntRange(min = 20, max = 160) int steps) {
        run(TestDatabases.Kind.H2, seed, steps);
        Statistics.label("clients sent to resync").coverage(c -> c.check("some").percentage(p -> p >= 10));
        Statistics.label("tombstones purged").coverage(c -> c.check("some").percentage(p -> p >= 10));
    }

    /** Fewer tries: every PostgreSQL try costs a database. */
    @Property(tries = 8)
    void clientsFollowingTheProtocolEndEqualToTheModelAfterAPurgeOnPostgresql(@ForAll long seed,
                                                                               @ForAll @IntRange(min = 20, max = 160) int steps) {
        for (TestDatabases.Kind kind : TestDatabases.serverKinds()) {
            run(kind, seed, steps);
        }
    }

    /** A client's copy of its scope as the protocol says: live objects kept, tombstones dropped. */
    private static final class Client {
        final Scope scope;
        final Map<String, MaterializedObject> local = new HashMap<>();
        String cursor;
        int resyncs;

        Client(Scope scope) {
            this.scope = scope;
        }

        void sync(SyncStore store, Random random) {
            for (int page = 0; ; page++) {
                assertThat(page).as("pages of one sync").isLessThan(10_000);
                PullResponse r;
                try {
                    r = store.pull(T, new PullRequest(cursor, scope, 1 + random.nextInt(5)));
                } catch (InvalidCursorException e) {
                    assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.EXPIRED);
                    assertThat(cursor).as("a null cursor is never expired").isNotNull();
                    local.clear();
                    cursor = null;
                    resyncs++;
                    continue;
                }
                for (MaterializedObject o : r.objects()) {
                    if (o.deleted()) {
                        local.remove(o.objectId());
                    } else {
                        local.put(o.objectId(), o);
                    }
                }
                r.removed().forEach(local::remove);
                cursor = r.serverCursor();
                if (!r.hasMore()) {
                    return;
                }
            }
        }
    }

    private static void run(TestDatabases.Kind kind, long seed, int steps) {
        TestDatabases.Database db = TestDatabases.create(kind);
        try {
            TestClock clock = new TestClock(START);
            SyncStore store = SyncStore.builder(db.jdbi()).clock(clock).build();
            store.migrate();
            Random random = new Random(seed);
            List<Op> ops = new ArrayList<>(CausalHistories.defaults().replicas(2 + random.nextInt(3))
                    .objects(3 + random.nextInt(8)).steps(steps).deleteRate(0.35).generate(seed).ops());
            Collections.shuffle(ops, random);
            List<Client> clients = new ArrayList<>();
            SCOPES.forEach(s -> clients.add(new Client(s)));
            List<Op> pushed = new ArrayList<>();
            int beforePurge = ops.size() / 2 + random.nextInt(ops.size() / 2 + 1);
            int at = 0;
            while (at < beforePurge) {
                at = pushBatch(store, clock, ops, at, beforePurge, pushed, random, clients);
            }
            // A client that has seen everything deletes some objects: single-head tombstones that
            // the purge can turn into graves, which the late ops of the history then meet.
            List<Op> deletes = new ArrayList<>();
            ReferenceModel.of(MergePolicy.deleteWins()).materialize(pushed).forEach((id, o) -> {
                if (random.nextBoolean()) {
                    deletes.add(StoreTesting.delete("deleter-" + id, id, o.objectType(), o.context().increment("deleter")));
                }
            });
            for (int i = 0; i < deletes.size(); i += 3) {
                pushExtra(store, clock, deletes.subList(i, Math.min(deletes.size(), i + 3)), pushed, random, clients);
            }
            clock.now = clock.now.plusSeconds(1);
            // Mostly in the later half of what was pushed, so that most runs purge something.
            int elapsed = (int) (clock.now.getEpochSecond() - START.getEpochSecond());
            Instant horizon = START.plusSeconds(random.nextInt(4) == 0 ? random.nextInt(elapsed + 1)
                    : elapsed / 2 + random.nextInt(elapsed - elapsed / 2 + 1));
            boolean archiving = random.nextBoolean();
            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            PurgeOptions options = PurgeOptions.before(horizon).withBatchSize(1 + random.nextInt(20));
            PurgeReport report = store.purge(T, archiving ? options.withArchive(archive) : options);
            Statistics.label("tombstones purged").collect(report.tombstones() > 0 ? "some" : "none");
            int revived = 0;
            while (at < ops.size()) {
                at = pushBatch(store, clock, ops, at, ops.size(), pushed, random, clients);
                if (random.nextInt(6) == 0) {
                    // A client that saw everything, a purged delete included, writes the object again.
                    SortedMap<String, MaterializedObject> now = ReferenceModel.of(MergePolicy.deleteWins()).materialize(pushed);
                    List<String> ids = new ArrayList<>(now.keySet());
                    MaterializedObject o = now.get(ids.get(random.nextInt(ids.size())));
                    pushExtra(store, clock, List.of(StoreTesting.update("reviver-" + (++revived) + "-" + o.objectId(),
                            o.objectId(), o.objectType(), o.context().increment("reviver"), "{\"revived\":" + revived + "}")),
                            pushed, random, clients);
                }
            }

            SortedMap<String, MaterializedObject> model = ReferenceModel.of(MergePolicy.deleteWins()).materialize(pushed);
            Map<String, MaterializedObject> live = new TreeMap<>();
            model.forEach((id, o) -> {
                if (!o.deleted()) {
                    live.put(id, o);
                }
            });
            int resyncs = 0;
            for (Client c : clients) {
                c.sync(store, random);
                Map<String, MaterializedObject> expected = new TreeMap<>();
                live.forEach((id, o) -> {
                    if (ScopedSyncProperties.matches(c.scope, o)) {
                        expected.put(id, o);
                    }
                });
                assertThat(new TreeMap<>(c.local)).as("client of %s (seed %d)", c.scope, seed).isEqualTo(expected);
                resyncs += c.resyncs;
            }
            Statistics.label("clients sent to resync").collect(resyncs > 0 ? "some" : "none");

            // No purged object resurrects: every object reads as in the twin, but for graves.
            for (Map.Entry<String, MaterializedObject> e : model.entrySet()) {
                MaterializedObject twin = store.get(TWIN, e.getKey());
                assertThat(twin).as("the twin equals the model").isEqualTo(e.getValue());
                var purged = store.find(T, e.getKey());
                if (purged.isPresent()) {
                    assertThat(purged.get()).as("object %s (seed %d)", e.getKey(), seed).isEqualTo(twin);
                } else {
                    assertThat(twin.deleted() && twin.heads() == 1).as("%s has no row: it is a purged tombstone", e.getKey()).isTrue();
                }
            }
            List<ConflictRecord> twinConflicts = new ArrayList<>(store.conflicts(TWIN, ConflictQuery.all()));
            twinConflicts.removeIf(c -> c.journalSeq() <= report.horizonJournalSeq());
            assertThat(store.conflicts(T, ConflictQuery.all())).as("conflicts after the horizon").isEqualTo(twinConflicts);

            ReplayReport verify = store.replay(T, ReplayOptions.verify());
            assertThat(verify.changed()).as("verify after purge (seed %d)", seed).isEmpty();
            assertThat(verify.conflictsChanged()).isEmpty();

            if (archiving) {
                List<Op> removed = new ArrayList<>();
                List<Op> snapshot = new ArrayList<>();
                read(archive, e -> (e.snapshotHead() ? snapshot : removed).add(e.op()));
                List<Op> whole = new ArrayList<>(removed);
                List<Op> fromSnapshot = new ArrayList<>(snapshot);
                for (String id : model.keySet()) {
                    for (HistoryEntry h : store.history(T, id)) {
                        whole.add(h.op());
                        if (h.journalSeq() > report.horizonJournalSeq()) {
                            fromSnapshot.add(h.op());
                        }
                    }
                }
                ReferenceModel reference = ReferenceModel.of(MergePolicy.deleteWins());
                assertThat(reference.materialize(whole)).as("archive + remaining journal").isEqualTo(model);
                assertThat(reference.materialize(fromSnapshot)).as("snapshot + journal after the horizon").isEqualTo(model);
            }
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

    /** Pushes the next batch into both tenants (same outcomes), one second later; clients may pull. */
    private static int pushBatch(SyncStore store, TestClock clock, List<Op> ops, int at, int end, List<Op> pushed,
                                 Random random, List<Client> clients) {
        clock.tick();
        int n = Math.min(end - at, 1 + random.nextInt(4));
        List<Op> batch = ops.subList(at, at + n);
        List<OpResult> twin = store.push(TWIN, batch).results();
        assertThat(store.push(T, batch).results()).as("outcomes beside the unpurged twin").isEqualTo(twin);
        pushed.addAll(batch);
        for (Client c : clients) {
            if (random.nextInt(4) == 0) {
                c.sync(store, random);
            }
        }
        return at + n;
    }

    /** Pushes ops that are not from the history into both tenants, like {@link #pushBatch}. */
    private static void pushExtra(SyncStore store, TestClock clock, List<Op> batch, List<Op> pushed, Random random,
                                 List<Client> clients) {
        clock.tick();
        List<OpResult> twin = store.push(TWIN, batch).results();
        assertThat(store.push(T, batch).results()).as("outcomes beside the unpurged twin").isEqualTo(twin);
        pushed.addAll(batch);
        for (Client c : clients) {
            if (random.nextInt(4) == 0) {
                c.sync(store, random);
            }
        }
    }

    private static void read(ByteArrayOutputStream archive, java.util.function.Consumer<PurgeArchive.Entry> sink) {
        try {
            PurgeArchive.read(new BufferedReader(new StringReader(archive.toString(StandardCharsets.UTF_8))),
                    SyncJson.create(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
