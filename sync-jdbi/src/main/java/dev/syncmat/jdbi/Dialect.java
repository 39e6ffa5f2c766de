package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.sql.SQLException;
import java.util.Locale;

/** The databases the store supports. */
enum Dialect {
    POSTGRESQL("postgresql"),
    H2("h2");

    private final String directory;

    Dialect(String directory) {
        this.directory = directory;
    }

    /** Folder of dialect-specific SQL and migrations. */
    String directory() {
        return directory;
    }

    /**
     * The isolation level whose transactions read every table from one snapshot taken at their first
     * statement. PostgreSQL's repeatable read does; H2's snapshots a table only when a statement
     * first reads it, so there it takes serializable (read-only transactions never fail with it).
     */
    TransactionIsolationLevel snapshotIsolation() {
        return this == H2 ? TransactionIsolationLevel.SERIALIZABLE : TransactionIsolationLevel.REPEATABLE_READ;
    }

    static Dialect of(Handle handle) {
        String product;
        try {
            product = handle.getConnection().getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw StoreException.wrap("reading the database product name", e);
        }
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new UnsupportedOperationException("syncmat supports PostgreSQL and H2, not " + product);
    }
}
