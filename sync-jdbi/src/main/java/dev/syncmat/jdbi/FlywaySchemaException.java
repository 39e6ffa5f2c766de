package dev.syncmat.jdbi;

/**
 * {@link SyncStore#migrate()} refused a schema that Flyway manages: Flyway's history table
 * ({@code flyway_schema_history}) is in the store's schema and records fewer versions than this
 * library ships, or a failed migration, or Flyway's history is in a schema of the same name in
 * another case than the one the store uses. Nothing was created or changed. Run Flyway with
 * {@link #location()} (the library's migrations for this database) instead of {@code migrate()};
 * one schema has one migration runner. Not retryable.
 */
public final class FlywaySchemaException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final String location;

    FlywaySchemaException(String message, String location) {
        super(message, null, false, null);
        this.location = location;
    }

    /** The Flyway location of the library's migrations for this database, e.g. {@code classpath:dev/syncmat/jdbi/migration/h2}. */
    public String location() {
        return location;
    }
}
