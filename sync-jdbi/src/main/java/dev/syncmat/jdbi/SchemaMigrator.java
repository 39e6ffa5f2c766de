package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies the versioned migrations in {@code dev/syncmat/jdbi/migration/<dialect>/} and records
 * them in {@code sync_schema_version}. The files follow Flyway's naming ({@code V1__name.sql}) and
 * create unqualified names, so a service that runs Flyway can point it at that folder instead; a
 * schema with Flyway's history table is Flyway's, and is left to Flyway ({@link FlywayHistory}).
 * Concurrent migrators are serialized by the dialect ({@link Dialect#migrating}).
 */
final class SchemaMigrator {
    /** Migrations in order: version and the file name's description part. */
    static final List<String> MIGRATIONS = List.of("V1__create_sync_tables", "V2__distribute_on_citus",
            "V3__scoped_sync_and_cursor_epochs", "V4__context_aliases", "V5__record_merge_policy",
            "V6__conflict_per_op", "V7__retention", "V8__compress_heads_with_lz4");

    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);
    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SchemaMigrator() {
    }

    static String checkSchema(String schema) {
        if (schema != null && !SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 "
                    + "characters), but was \"" + schema + "\"");
        }
        return schema;
    }

    /**
     * Applies every missing migration; returns the versions applied now. On a schema Flyway
     * manages, returns none when Flyway's history is current, and otherwise throws.
     *
     * @throws FlywaySchemaException when Flyway manages the schema and it is behind or failed, or
     *                               when Flyway's history is in a schema of the same name in another case
     */
    static List<Integer> migrate(Handle h, Dialect dialect, String schema, Clock clock) {
        checkFlywayCase(h, dialect, schema);
        return dialect.migrating(h, schema, tx -> apply(tx, dialect, schema, clock));
    }

    /** The Flyway location of the migrations {@code dialect} runs. */
    static String flywayLocation(Dialect dialect) {
        return "classpath:dev/syncmat/jdbi/migration/" + dialect.migrationFolder();
    }

    // Flyway quotes the schema names it is given; the store's are unquoted, so the database folds
    // them. Without this check, migrate() would create a second, empty schema beside Flyway's.
    private static void checkFlywayCase(Handle h, Dialect dialect, String schema) {
        Sql sql = new Sql(dialect, null);
        String stored = FlywayHistory.storedName(h, schema);
        if (schema == null || stored.equals(schema) || !FlywayHistory.tableExists(h, sql, schema, FlywayHistory.TABLE)
                || FlywayHistory.tableExists(h, sql, stored, FlywayHistory.TABLE)) {
            return;
        }
        throw new FlywaySchemaException("Flyway's history is in schema \"" + schema + "\" (Flyway quotes the names it is "
                + "given), but the store's schema " + schema + " is " + stored + " on this database (unquoted names are "
                + "stored in " + (stored.equals(schema.toUpperCase(Locale.ROOT)) ? "upper" : "lower") + " case); "
                + "migrate() changes nothing: run Flyway with schemas(\"" + stored + "\") and the location "
                + flywayLocation(dialect), flywayLocation(dialect));
    }

    /** The latest migration this library ships. */
    static int latestVersion() {
        return version(MIGRATIONS.get(MIGRATIONS.size() - 1));
    }

    private static int version(String name) {
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /**
     * The highest applied version, by {@code migrate()} (in {@code sync_schema_version}) or by
     * Flyway (the highest successful version in {@code flyway_schema_history}); 0 when neither
     * table exists.
     */
    static int installedVersion(Handle h, Sql sql) {
        FlywayHistory flyway = FlywayHistory.read(h, sql);
        return Math.max(ownVersion(h, sql), flyway == null ? 0 : flyway.version());
    }

    private static int ownVersion(Handle h, Sql sql) {
        try {
            Integer v = sql.query(h, "version_max").mapTo(Integer.class).one();
            return v == null ? 0 : v;
        } catch (JdbiException e) {
            SQLException cause = StoreException.findSqlException(e);
            if (cause != null && sql.dialect().isMissingTable(cause.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    private static List<Integer> apply(Handle h, Dialect dialect, String schema, Clock clock) {
        Sql sql = new Sql(dialect, null);
        FlywayHistory flyway = FlywayHistory.read(h, sql);
        if (flyway != null) {
            return leaveToFlyway(h, sql, dialect, schema, flyway);
        }
        Sql.execute(h, sql.text("version_table"));
        Set<Integer> installed = new HashSet<>(sql.query(h, "version_list").mapTo(Integer.class).list());
        List<Integer> applied = new ArrayList<>();
        for (String name : MIGRATIONS) {
            int version = version(name);
            if (installed.contains(version)) {
                continue;
            }
            String script = Sql.read("migration/" + dialect.migrationFolder() + "/" + name + ".sql");
            h.createScript(script).configure(org.jdbi.v3.core.statement.SqlStatements.class, Sql::plain).execute();
            sql.update(h, "version_insert").bind("version", version).bind("description", name.substring(name.indexOf("__") + 2))
                    .bind("installedAt", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).execute();
            applied.add(version);
            LOG.info("applied sync schema migration {} ({})", name, dialect);
        }
        return applied;
    }

    // A schema with Flyway's history is upgraded by Flyway only: two runners would each apply the
    // versions the other's record lacks. Called in the current schema, under the migration lock.
    private static List<Integer> leaveToFlyway(Handle h, Sql sql, Dialect dialect, String schema, FlywayHistory flyway) {
        int version = Math.max(flyway.version(), FlywayHistory.tableExists(h, sql, null,
                FlywayHistory.storedName(h, "sync_schema_version"))
                ? ownVersion(h, sql) : 0);
        if (flyway.failedVersion() == 0 && version >= latestVersion()) {
            return List.of();
        }
        String where = "schema " + (schema == null ? currentSchema(h) : schema) + " is managed by Flyway";
        String location = flywayLocation(dialect);
        String message = flyway.failedVersion() != 0
                ? where + ", and flyway_schema_history records a failed migration (version " + flyway.failedVersion()
                        + "); migrate() changes nothing: repair the schema and Flyway's history (flyway repair), then run "
                        + "Flyway with the location " + location
                : where + " (flyway_schema_history is at version " + version + ", this library ships version "
                        + latestVersion() + "); migrate() changes nothing: run Flyway with the location " + location;
        throw new FlywaySchemaException(message, location);
    }

    private static String currentSchema(Handle h) {
        try {
            return h.getConnection().getSchema();
        } catch (SQLException e) {
            return "(the connection's)";
        }
    }
}
