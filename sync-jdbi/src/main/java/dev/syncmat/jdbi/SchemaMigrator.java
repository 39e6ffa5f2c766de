package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies the versioned migrations in {@code dev/syncmat/jdbi/migration/<dialect>/} and records
 * them in {@code sync_schema_version}. The files follow Flyway's naming ({@code V1__name.sql}) and
 * create unqualified names, so a service that runs Flyway can point it at that folder instead.
 *
 * <p>Safe when several processes start at once: on PostgreSQL the whole migration runs in one
 * transaction under a transaction-scoped advisory lock (DDL is transactional there); on H2, which
 * is embedded in one process, a JVM-wide lock serializes migrators.
 */
final class SchemaMigrator {
    /** Migrations in order: version and the file name's description part. */
    static final List<String> MIGRATIONS = List.of("V1__create_sync_tables");

    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Object H2_LOCK = new Object();
    private static final long LOCK_KEY = 0x73796e636d6174L; // "syncmat"

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
    static List<Integer> migrate(Jdbi jdbi, String schema, Clock clock) {
        return jdbi.withHandle(h -> {
            Dialect dialect = Dialect.of(h);
            if (dialect == Dialect.H2) {
                synchronized (H2_LOCK) {
                    return migrateH2(h, schema, clock);
                }
            }
            return h.inTransaction(tx -> {
                tx.createQuery("SELECT pg_advisory_xact_lock(:key)").configure(SqlStatements.class, Sql::plain)
                        .bind("key", LOCK_KEY ^ (schema == null ? 0 : schema.hashCode())).map((rs, ctx) -> 1).one();
                if (schema != null) {
                    execute(tx, "CREATE SCHEMA IF NOT EXISTS " + schema);
                    execute(tx, "SET LOCAL search_path TO " + schema);
                }
                return apply(tx, Dialect.POSTGRESQL, clock);
            });
        });
    }

    private static List<Integer> migrateH2(Handle h, String schema, Clock clock) {
        if (schema == null) {
            return apply(h, Dialect.H2, clock);
        }
        String previous = h.createQuery("SELECT CURRENT_SCHEMA").mapTo(String.class).one();
        execute(h, "CREATE SCHEMA IF NOT EXISTS " + schema);
        execute(h, "SET SCHEMA " + schema);
        try {
            return apply(h, Dialect.H2, clock);
        } finally {
            execute(h, "SET SCHEMA \"" + previous.replace("\"", "\"\"") + "\"");
        }
    }

    /** The latest migration this library ships. */
    static int latestVersion() {
        String last = MIGRATIONS.get(MIGRATIONS.size() - 1);
        return Integer.parseInt(last.substring(1, last.indexOf("__")));
    }

    /** The highest applied version, 0 when the version table does not exist. */
    static int installedVersion(Handle h, Sql sql) {
        try {
            Integer v = h.createQuery(sql.text("version_max")).configure(SqlStatements.class, Sql::plain)
                    .mapTo(Integer.class).one();
            return v == null ? 0 : v;
        } catch (org.jdbi.v3.core.JdbiException e) {
            java.sql.SQLException cause = StoreException.findSqlException(e);
            String state = cause == null ? null : cause.getSQLState();
            // 42P01 / 3F000: PostgreSQL's undefined table or schema; 42S0x, 4210x, 90079: H2's.
            if ("42P01".equals(state) || "42S02".equals(state) || "42S04".equals(state) || "42102".equals(state)
                    || "42103".equals(state) || "42104".equals(state)
                    || "3F000".equals(state) || "90079".equals(state)) {
                return 0;
            }
            throw e;
        }
    }

    private static List<Integer> apply(Handle h, Dialect dialect, Clock clock) {
        Sql sql = new Sql(dialect, null);
        execute(h, sql.text("version_table"));
        Set<Integer> installed = new HashSet<>(sql.query(h, "version_list").mapTo(Integer.class).list());
        List<Integer> applied = new java.util.ArrayList<>();
        for (String name : MIGRATIONS) {
            int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
            if (installed.contains(version)) {
                continue;
            }
            String script = Sql.read("migration/" + dialect.directory() + "/" + name + ".sql");
            h.createScript(script).configure(SqlStatements.class, Sql::plain).execute();
            sql.update(h, "version_insert").bind("version", version).bind("description", name.substring(name.indexOf("__") + 2))
                    .bind("installedAt", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).execute();
            applied.add(version);
        }
        return applied;
    }

    private static void execute(Handle h, String statement) {
        h.createUpdate(statement).configure(SqlStatements.class, Sql::plain).execute();
    }
}
