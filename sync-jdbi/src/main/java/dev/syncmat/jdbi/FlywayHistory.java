package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * What Flyway's history table ({@code flyway_schema_history}, Flyway's default name, which Flyway
 * creates quoted in lower case) says about the store's schema: the highest version it applied
 * successfully, and the lowest one that failed (0: none). Flyway keeps the table in the first
 * schema it manages ({@code schemas(...)}, else the connection's), which is the store's schema in
 * the documented recipe. Versions that are not whole numbers are not the library's and are ignored.
 */
record FlywayHistory(int version, int failedVersion) {
    static final String TABLE = "flyway_schema_history";

    /**
     * The history in {@code sql}'s schema (the current one when it names none), or null when that
     * schema has no Flyway history table. Reads the catalog first, so it never fails a transaction.
     */
    static FlywayHistory read(Handle h, Sql sql) {
        if (!tableExists(h, sql, storedName(h, sql.schema()), TABLE)) {
            return null;
        }
        int highest = 0;
        int failed = 0;
        List<Object[]> rows = sql.query(h, "flyway_versions")
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getBoolean(2)}).list();
        for (Object[] row : rows) {
            int v = parseVersion((String) row[0]);
            if (v <= 0) {
                continue;
            }
            if ((Boolean) row[1]) {
                highest = Math.max(highest, v);
            } else if (failed == 0 || v < failed) {
                failed = v;
            }
        }
        return new FlywayHistory(highest, failed);
    }

    private static int parseVersion(String version) {
        try {
            return Integer.parseInt(version.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether {@code schema} (as stored; null: the current schema) has a table named exactly {@code table}. */
    static boolean tableExists(Handle h, Sql sql, String schema, String table) {
        return sql.query(h, "schema_table_exists").bind("schema", schema).bind("table", table).mapTo(Long.class).one() > 0;
    }

    /** How the database stores the unquoted identifier {@code name} (null stays null): H2 upper case, PostgreSQL lower. */
    static String storedName(Handle h, String name) {
        if (name == null) {
            return null;
        }
        try {
            DatabaseMetaData md = h.getConnection().getMetaData();
            if (md.storesUpperCaseIdentifiers()) {
                return name.toUpperCase(Locale.ROOT);
            }
            return md.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
        } catch (SQLException e) {
            throw StoreException.wrap("reading how the database stores names", e, Dialect.generic());
        }
    }
}
