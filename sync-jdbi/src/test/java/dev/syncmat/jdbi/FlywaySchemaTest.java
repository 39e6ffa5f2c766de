package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.PullRequest;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The library's migrations run by real Flyway (the documented recipe, docs/schema.md), and the
 * store on the schema Flyway made: every call works, {@code schemaVersion()} reads Flyway's history,
 * and {@code migrate()} leaves the schema to Flyway.
 */
class FlywaySchemaTest {
    private static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

    /** The documented location of the migrations for a database. */
    private static String location(TestDatabases.Kind kind) {
        return "classpath:dev/syncmat/jdbi/migration/" + (kind == TestDatabases.Kind.H2 ? "h2" : "postgresql");
    }

    /** The schema "sync" as the database stores the unquoted name, which is what Flyway must be given. */
    private static String storedSync(TestDatabases.Kind kind) {
        return kind == TestDatabases.Kind.H2 ? "SYNC" : "sync";
    }

    private static FluentConfiguration flyway(TestDatabases.Database db) {
        return Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations(location(db.kind()));
    }

    /** Columns of the library's tables in {@code schema} (as stored), as lower-case "table.column:type". */
    private static Set<String> columns(TestDatabases.Database db, String schema) {
        return db.jdbi().withHandle(h -> new TreeSet<>(h.createQuery("SELECT table_name, column_name, data_type, is_nullable "
                        + "FROM information_schema.columns WHERE table_schema = :s")
                .bind("s", schema)
                .map((rs, ctx) -> (rs.getString(1) + "." + rs.getString(2) + ":" + rs.getString(3) + ":" + rs.getString(4))
                        .toLowerCase(Locale.ROOT))
                .list()));
    }

    private static boolean hasTable(TestDatabases.Database db, String schema, String table) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = :s AND LOWER(table_name) = :t").bind("s", schema).bind("t", table)
                .mapTo(Long.class).one()) > 0;
    }

    private static List<Outcome> outcomes(dev.syncmat.core.protocol.PushResult r) {
        return r.results().stream().map(OpResult::outcome).toList();
    }

    @StoreTesting.OnBothDatabases
    void flywayCreatesWhatMigrateCreatesAndTheStoreWorksOnIt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        MigrateResult result = flyway(db).schemas(storedSync(kind)).load().migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(StoreTesting.ALL_VERSIONS.size());

        TestClock clock = new TestClock(START);
        SyncStore store = SyncStore.builder(db.jdbi()).schema("sync").clock(clock).build();
        assertThat(store.schemaVersion()).isEqualTo(SyncStore.latestSchemaVersion()).isEqualTo(8);
        assertThat(store.migrate()).isEmpty();
        assertThat(hasTable(db, storedSync(kind), "sync_schema_version")).as("migrate() keeps no record of its own").isFalse();

        // The same tables, column for column, as migrate() creates in a schema of its own.
        SyncStore own = SyncStore.builder(db.jdbi()).schema("own").build();
        assertThat(own.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        String ownSchema = kind == TestDatabases.Kind.H2 ? "OWN" : "own";
        Set<String> byMigrate = columns(db, ownSchema);
        byMigrate.removeIf(c -> c.startsWith("sync_schema_version."));
        Set<String> byFlyway = columns(db, storedSync(kind));
        byFlyway.removeIf(c -> c.startsWith("flyway_schema_history."));
        assertThat(byFlyway).isEqualTo(byMigrate).anyMatch(c -> c.startsWith("sync_graves.purged_at:"));

        // push (a conflict and a delete), pull, history, conflicts, replay, purge
        assertThat(outcomes(store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("a", 1), "{\"t\":\"a\"}", "inbox"),
                update("b1", "doc", "note", VectorClock.of("b", 1), "{\"t\":\"b\"}"),
                update("a2", "gone", "note", VectorClock.of("a", 2), "{\"t\":\"x\"}")))))
                .containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.APPLIED);
        assertThat(outcomes(store.push("t1", List.of(delete("a3", "gone", "note", VectorClock.of("a", 3))))))
                .containsExactly(Outcome.APPLIED);
        assertThat(StoreTesting.pullAll(store, "t1", PullRequest.initial()).ids()).containsExactlyInAnyOrder("doc", "gone");
        assertThat(store.get("t1", "doc").heads()).isEqualTo(2);
        assertThat(store.history("t1", "doc")).extracting(HistoryEntry::outcome).containsExactly(Outcome.APPLIED, Outcome.MERGED);
        assertThat(store.conflicts("t1", ConflictQuery.all())).hasSize(1);
        assertThat(store.replay("t1", ReplayOptions.verify()).changed()).isEmpty();
        assertThat(store.replay("t1", ReplayOptions.rebuild()).changed()).isEmpty();
        clock.now = START.plusSeconds(3600);
        PurgeReport purged = store.purge("t1", PurgeOptions.before(START.plusSeconds(60)));
        assertThat(purged.tombstones()).isEqualTo(1);
        assertThat(db.count(storedSync(kind) + ".sync_graves", "t1")).isEqualTo(1);
        assertThat(StoreTesting.pullAll(store, "t1", PullRequest.initial()).ids()).containsExactly("doc");
        assertThat(store.find("t1", "gone")).isEmpty();
        MaterializedObject doc = store.get("t1", "doc");
        assertThat(doc.heads()).isEqualTo(2);
    }

    @StoreTesting.OnBothDatabases
    void migrateOnAFlywaySchemaBehindTheLibraryFailsNamingFlywayAndChangesNothing(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        flyway(db).schemas(storedSync(kind)).target("5").load().migrate();
        SyncStore store = SyncStore.builder(db.jdbi()).schema("sync").build();
        assertThat(store.schemaVersion()).isEqualTo(5);

        Throwable e = catchThrowable(store::migrate);
        assertThat(e).isExactlyInstanceOf(FlywaySchemaException.class)
                .hasMessageContaining("managed by Flyway")
                .hasMessageContaining("flyway_schema_history is at version 5, this library ships version 8")
                .hasMessageContaining("run Flyway with the location " + location(kind));
        assertThat(((FlywaySchemaException) e).location()).isEqualTo(location(kind));
        assertThat(((FlywaySchemaException) e).isRetryable()).isFalse();
        assertThat(hasTable(db, storedSync(kind), "sync_schema_version")).isFalse();
        assertThat(hasTable(db, storedSync(kind), "sync_graves")).isFalse();
        assertThat(store.schemaVersion()).isEqualTo(5);

        // Flyway upgrades it; then migrate() has nothing to do.
        assertThat(flyway(db).schemas(storedSync(kind)).load().migrate().migrationsExecuted).isEqualTo(3);
        assertThat(store.schemaVersion()).isEqualTo(8);
        assertThat(store.migrate()).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void flywayInTheConnectionsSchemaIsRecognisedByAStoreWithoutASchema(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        assertThat(store.schemaVersion()).isZero();
        flyway(db).load().migrate();
        assertThat(store.schemaVersion()).isEqualTo(8);
        assertThat(store.migrate()).isEmpty();
        assertThat(hasTable(db, kind == TestDatabases.Kind.H2 ? "PUBLIC" : "public", "sync_schema_version")).isFalse();
    }

    @StoreTesting.OnBothDatabases
    void aSchemaThatMigrateCreatedAndFlywayBaselinedIsCurrent(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.builder(db.jdbi()).schema("sync").build();
        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        store.push("t1", List.of(update("a1", "doc", "note", VectorClock.of("a", 1), "1")));
        MigrateResult baselined = flyway(db).schemas(storedSync(kind)).baselineOnMigrate(true).baselineVersion("8").load().migrate();
        assertThat(baselined.migrationsExecuted).isZero();
        assertThat(store.schemaVersion()).isEqualTo(8);
        assertThat(store.migrate()).isEmpty();
        assertThat(store.get("t1", "doc").winnerOpId()).isEqualTo("a1");
    }

    @StoreTesting.OnBothDatabases
    void flywayGivenTheSchemaNameInTheOtherCaseIsReportedAndNoSecondSchemaIsCreated(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        // Flyway quotes the name: "sync" on H2 (which stores unquoted names in upper case), "Sync" on PostgreSQL.
        String quoted = kind == TestDatabases.Kind.H2 ? "sync" : "Sync";
        flyway(db).schemas(quoted).load().migrate();
        SyncStore store = SyncStore.builder(db.jdbi()).schema(quoted).build();
        assertThat(store.schemaVersion()).isZero();

        Throwable e = catchThrowable(store::migrate);
        String stored = kind == TestDatabases.Kind.H2 ? "SYNC" : "sync";
        assertThat(e).isExactlyInstanceOf(FlywaySchemaException.class)
                .hasMessageContaining("Flyway's history is in schema \"" + quoted + "\"")
                .hasMessageContaining("run Flyway with schemas(\"" + stored + "\")");
        long schemas = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = :s")
                .bind("s", stored).mapTo(Long.class).one());
        assertThat(schemas).as("no second schema").isZero();
    }

    @StoreTesting.OnBothDatabases
    void aFailedFlywayMigrationIsReportedByMigrateWhereFlywayRecordsIt(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        Throwable flywayFailed = catchThrowable(() -> flyway(db).schemas(storedSync(kind))
                .locations(location(kind), "classpath:dev/syncmat/jdbi/flyway-failing").load().migrate());
        assertThat(flywayFailed).as("Flyway's own failure").isNotNull();
        SyncStore store = SyncStore.builder(db.jdbi()).schema("sync").build();
        assertThat(store.schemaVersion()).isEqualTo(8);
        if (kind == TestDatabases.Kind.H2) {
            // H2 commits DDL as it goes, so Flyway records the version as failed.
            Throwable e = catchThrowable(store::migrate);
            assertThat(e).isExactlyInstanceOf(FlywaySchemaException.class)
                    .hasMessageContaining("records a failed migration (version 9)")
                    .hasMessageContaining("flyway repair");
        } else {
            // PostgreSQL rolls the failed version back, history row included: versions 1 to 8 are current.
            assertThat(store.migrate()).isEmpty();
        }
        assertThat(hasTable(db, storedSync(kind), "sync_schema_version")).isFalse();
    }
}
