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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies the versioned migrations in {@code dev/syncmat/jdbi/migration/<dialect>/} and records
 * them in {@code sync_schema_version}. The files follow Flyway's naming ({@code V1__name.sql}) and
 * create unqualified names, so a service that runs Flyway can point it at that folder instead.
 * Concurrent migrators are serialized by the dialect ({@link Dialect#migrating}).
 */
final class SchemaMigrator {
    /** Migrations in order: version and the file name's description part. */
    static final List<String> MIGRATIONS = List.of("V1__create_sync_tables", "V2__distribute_on_citus",
            "V3__scoped_sync_and_cursor_epochs", "V4__context_aliases", "V5__record_merge_policy",
            "V6__conflict_per_op", "V7__retention");

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

    /** Applies every missing migration; returns the versions applied now. */
    static List<Integer> migrate(Handle h, Dialect dialect, String schema, Clock clock) {
        return dialect.migrating(h, schema, tx -> apply(tx, dialect, clock));
    }

    /** The latest migration this library ships. */
    static int latestVersion() {
        return version(MIGRATIONS.get(MIGRATIONS.size() - 1));
    }

    private static int version(String name) {
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /** The highest applied version, 0 when the version table does not exist. */
    static int installedVersion(Handle h, Sql sql) {
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

    private static List<Integer> apply(Handle h, Dialect dialect, Clock clock) {
        Sql sql = new Sql(dialect, null);
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
}
