package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Migrations: applied on request, safe to run concurrently, only the library's own tables, any schema. */
class StoreSchemaTest {
    private static final List<String> LIBRARY_TABLES = List.of("sync_aliases", "sync_conflicts", "sync_graves", "sync_journal", "sync_object_tags",
            "sync_objects", "sync_schema_version", "sync_scope_exits", "sync_tenants");

    /** Every table outside the system schemas, as lower-case "schema.table". */
    private static Set<String> tables(TestDatabases.Database db) {
        return db.jdbi().withHandle(h -> new TreeSet<>(h.createQuery(
                        "SELECT table_schema, table_name FROM information_schema.tables "
                                + "WHERE LOWER(table_schema) NOT IN ('information_schema', 'pg_catalog')")
                .map((rs, ctx) -> (rs.getString(1) + "." + rs.getString(2)).toLowerCase(Locale.ROOT))
                .list()));
    }

    private static Set<String> libraryTables(String schema) {
        Set<String> set = new TreeSet<>();
        LIBRARY_TABLES.forEach(t -> set.add(schema + "." + t));
        return set;
    }

    /** A legacy table of the service's own, with rows, in the default schema (and in {@code schema}). */
    private static void createLegacy(TestDatabases.Database db, String schema) {
        db.jdbi().useHandle(h -> {
            for (String prefix : schema == null ? List.of("") : List.of("", schema + ".")) {
                if (!prefix.isEmpty()) {
                    h.execute("CREATE SCHEMA " + schema);
                }
                h.execute("CREATE TABLE " + prefix + "legacy_sync_log (id INTEGER PRIMARY KEY, tenant_id VARCHAR(40), "
                        + "note VARCHAR(200))");
                h.execute("INSERT INTO " + prefix + "legacy_sync_log VALUES (1, 't1', 'first'), (2, 't2', 'x''; --'), "
                        + "(3, NULL, 'third')");
            }
        });
    }

    private static List<String> legacyRows(TestDatabases.Database db, String prefix) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, tenant_id, note FROM " + prefix
                        + "legacy_sync_log ORDER BY id")
                .map((rs, ctx) -> rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3)).list());
    }

    static Stream<Arguments> kindsAndSchemas() {
        return TestDatabases.kinds().flatMap(kind -> Stream.of(Arguments.of(kind, "default"),
                Arguments.of(kind, "sync")));
    }

    @ParameterizedTest(name = "{0}, schema {1}")
    @MethodSource("kindsAndSchemas")
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sixProcessesMigratingAnEmptyDatabaseAtOnceApplyVersion1Once(TestDatabases.Kind kind, String schemaName)
            throws Exception {
        String schema = schemaName.equals("default") ? null : schemaName;
        TestDatabases.Database db = TestDatabases.create(kind);
        createLegacy(db, schema);
        Set<String> before = tables(db);
        List<String> legacyBefore = legacyRows(db, "");

        int processes = 6;
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        List<List<Integer>> applied = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(processes);
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                futures.add(pool.submit(() -> {
                    // Each "process" has its own Jdbi and connections.
                    Jdbi own = Jdbi.create(db.url(), db.user(), db.password());
                    SyncStoreBuilder builder = SyncStore.builder(own);
                    if (schema != null) {
                        builder.schema(schema);
                    }
                    SyncStore store = builder.build();
                    start.await();
                    return store.migrate();
                }));
            }
            for (Future<List<Integer>> f : futures) {
                applied.add(f.get(100, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(applied).filteredOn(List::isEmpty).hasSize(processes - 1);
        assertThat(applied).filteredOn(a -> !a.isEmpty()).containsExactly(StoreTesting.ALL_VERSIONS);

        String where = schema == null ? "public" : schema;
        Set<String> added = tables(db);
        added.removeAll(before);
        assertThat(added).isEqualTo(libraryTables(where));
        String prefix = schema == null ? "" : schema + ".";
        List<Integer> versions = db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM " + prefix
                + "sync_schema_version").mapTo(Integer.class).list());
        assertThat(versions).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        assertThat(legacyRows(db, "")).isEqualTo(legacyBefore).hasSize(3);
        if (schema != null) {
            assertThat(legacyRows(db, prefix)).isEqualTo(legacyBefore);
        }

        SyncStoreBuilder builder = SyncStore.builder(db.jdbi());
        if (schema != null) {
            builder.schema(schema);
        }
        SyncStore store = builder.build();
        assertThat(store.migrate()).isEmpty();
        store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("c", 1), "1")));
        assertThat(store.pull("t1", PullRequest.initial()).objects()).extracting(MaterializedObject::objectId)
                .containsExactly("doc");
    }

    @StoreTesting.OnBothDatabases
    void migrationsRunOnlyOnRequest(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        createLegacy(db, null);
        Set<String> before = tables(db);
        SyncStore store = SyncStore.create(db.jdbi());
        assertThat(tables(db)).isEqualTo(before);

        Throwable e = catchThrowable(() -> store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("c", 1), "1"))));
        assertThat(e).isExactlyInstanceOf(StoreException.class).hasMessageContaining("database failure");
        assertThat(((StoreException) e).isRetryable()).isFalse();
        assertThatThrownBy(() -> store.pull("t1", PullRequest.initial())).isExactlyInstanceOf(StoreException.class);
        assertThat(tables(db)).isEqualTo(before);

        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        assertThat(store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("c", 1), "1"))).results()).hasSize(1);
    }

    @StoreTesting.OnBothDatabases
    void migratingAgainIsANoOpAndKeepsTheData(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("c", 1), "1", "inbox")));
        Set<String> tables = tables(db);

        assertThat(store.migrate()).isEmpty();
        assertThat(SyncStore.create(Jdbi.create(db.url(), db.user(), db.password())).migrate()).isEmpty();
        assertThat(tables(db)).isEqualTo(tables);
        assertThat(db.count("sync_schema_version")).isEqualTo(StoreTesting.ALL_VERSIONS.size());
        assertThat(db.count("sync_journal")).isEqualTo(1);
        assertThat(db.count("sync_object_tags")).isEqualTo(1);
        assertThat(store.get("t1", "doc").tags()).containsExactly("inbox");
    }

    @StoreTesting.OnBothDatabases
    void aStoreInItsOwnSchemaWorksThereAndNowhereElse(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        createLegacy(db, null);
        Set<String> before = tables(db);
        SyncStore inSync = SyncStore.builder(db.jdbi()).schema("sync").build();
        assertThat(inSync.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        Set<String> added = tables(db);
        added.removeAll(before);
        assertThat(added).isEqualTo(libraryTables("sync"));

        inSync.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("c", 1), "1", "inbox"),
                update("b1", "doc", "note", VectorClock.of("d", 1), "2", "work")));
        assertThat(db.count("sync.sync_journal", "t1")).isEqualTo(2);
        assertThat(db.count("sync.sync_objects", "t1")).isEqualTo(1);
        assertThat(db.count("sync.sync_conflicts", "t1")).isEqualTo(1);
        assertThat(db.count("sync.sync_object_tags", "t1")).isEqualTo(1);
        assertThat(inSync.pull("t1", PullRequest.initial().withScope(Scope.tags("work"))).objects())
                .extracting(MaterializedObject::winnerOpId).containsExactly("b1");
        assertThat(inSync.get("t1", "doc").heads()).isEqualTo(2);

        // The default schema has no store yet; a store there is separate, with its own versions.
        SyncStore inDefault = SyncStore.create(db.jdbi());
        assertThatThrownBy(() -> inDefault.pull("t1", PullRequest.initial())).isExactlyInstanceOf(StoreException.class);
        assertThat(inDefault.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        assertThat(inDefault.pull("t1", PullRequest.initial()).objects()).isEmpty();
        inDefault.push("t1", List.of(update("z1", "doc", "task", VectorClock.of("c", 1), "3")));
        assertThat(inSync.get("t1", "doc").objectType()).isEqualTo("note");
        assertThat(inDefault.get("t1", "doc").objectType()).isEqualTo("task");
        assertThat(inSync.migrate()).isEmpty();

        // A second custom schema beside the first.
        SyncStore other = SyncStore.builder(db.jdbi()).schema("Other_Sync2").build();
        assertThat(other.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        assertThat(other.pull("t1", PullRequest.initial()).objects()).isEmpty();
        assertThat(legacyRows(db, "")).hasSize(3);
    }

    @StoreTesting.OnBothDatabases
    void aTableInTheWayFailsTheMigrationAndIsLeftAsItWas(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        db.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE sync_objects (id INTEGER PRIMARY KEY, body VARCHAR(100))");
            h.execute("INSERT INTO sync_objects VALUES (1, 'legacy row')");
        });
        Throwable e = catchThrowable(() -> SyncStore.create(db.jdbi()).migrate());
        assertThat(e).isExactlyInstanceOf(StoreException.class).hasMessageContaining("migrating");
        List<String> rows = db.jdbi().withHandle(h -> h.createQuery("SELECT body FROM sync_objects").mapTo(String.class).list());
        assertThat(rows).containsExactly("legacy row");
    }

    @Test
    void aSchemaNameMustBeAPlainIdentifier() {
        Jdbi jdbi = Jdbi.create("jdbc:h2:mem:unused");
        for (String bad : List.of("", "sync; DROP TABLE x", "1abc", "a.b", "\"quoted\"", "s p", "x".repeat(64), "\u00fcber")) {
            assertThatThrownBy(() -> SyncStore.builder(jdbi).schema(bad)).as("schema \"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
        }
        assertThat(SyncStore.builder(jdbi).schema("x".repeat(63)).build().options().schema()).isEqualTo("x".repeat(63));
    }
}
