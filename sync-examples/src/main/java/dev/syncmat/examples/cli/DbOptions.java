package dev.syncmat.examples.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.SyncStoreBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.function.Function;

/** The database options shared by the commands that use the store. */
final class DbOptions {
    @Option(names = "--db", required = true, paramLabel = "JDBC_URL",
            description = "jdbc:h2:... or jdbc:postgresql://... (credentials in the URL or --user/--password).")
    String url;

    /** The embedded default of {@code serve}: an H2 file database under ./sync-data. */
    static final String DEFAULT_H2 = "jdbc:h2:./sync-data/sync";

    @Option(names = "--user", paramLabel = "USER", description = "Database user.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Database password (visible to other users of the machine; prefer --password-env).")
    String password;

    @Option(names = "--password-env", paramLabel = "NAME", description = "Read the database password from environment variable NAME.")
    String passwordEnv;

    /** The store's bound on heads per object ({@link HeadsOptions}), or null for its default. */
    Integer maxHeads;

    /** The store's head count logged at WARN ({@link HeadsOptions}), or null for its default. */
    Integer warnHeads;

    /** Where the store's and the pools' meters go ({@code serve}), or null for none. */
    MeterRegistry meterRegistry;

    /** Where {@code --password-env} looks; tests replace it. */
    Function<String, String> environment = System::getenv;

    @Option(names = "--schema", paramLabel = "SCHEMA", description = "Schema holding the sync tables (default: the connection's).")
    String schema;

    @Option(names = "--policy", paramLabel = "POLICY", description = PolicyOption.DESCRIPTION
            + " Must be the one recorded for the tenant (the service's).")
    String policy;

    /** An open database; closing it closes the store's live pulls, then the pool. */
    record Opened(HikariDataSource dataSource, Jdbi jdbi, SyncStore store) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            dataSource.close();
        }
    }

    /** What opening does about the tables. */
    enum Tables {
        /** Create or upgrade them (commands that write, as the issue of push and pull asks). */
        MIGRATE,
        /** Require them: read-only tools must not create tables in a mistyped schema. */
        REQUIRE,
        /** Leave them alone (the migrate command itself). */
        IGNORE
    }

    /** Opens a small pool, builds the store and creates or upgrades the tables. */
    Opened open(int poolSize) {
        return open(poolSize, Tables.MIGRATE);
    }

    /**
     * The password: {@code --password}, or the variable {@code --password-env} names, or null.
     *
     * @throws UsageException when both are given, or the variable is not set
     */
    String password() {
        if (passwordEnv == null) {
            return password;
        }
        if (password != null) {
            throw new UsageException("give --password or --password-env, not both");
        }
        String value = environment.apply(passwordEnv);
        if (value == null) {
            throw new UsageException("--password-env: environment variable " + passwordEnv + " is not set");
        }
        return value;
    }

    /** The URL as it may be printed, without its password. */
    String printableUrl() {
        return Redaction.jdbcUrl(url);
    }

    /** A pool of at most {@code size} connections named {@code name}; it connects lazily. */
    HikariDataSource pool(int size, String name) {
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db must be an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql:...) URL");
        }
        String secret = password();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(sharedH2(url));
        if (url.startsWith("jdbc:postgresql:")) {
            // The driver gives up first and says why (connect timed out, refused, no route), inside
            // the pool's wait below; settings in the URL take precedence over these.
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
            config.addDataSourceProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        }
        if (user != null) {
            config.setUsername(user);
        }
        if (secret != null) {
            config.setPassword(secret);
        }
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        if (meterRegistry != null) {
            // HikariCP's own meters (hikaricp.connections...), tagged with the pool's name.
            config.setMetricRegistry(meterRegistry);
        }
        config.setInitializationFailTimeout(-1);
        // An unreachable database is reported within seconds, with its cause, rather than after 30.
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    /** How long the PostgreSQL driver tries to open a TCP connection, in seconds. */
    static final int CONNECT_TIMEOUT_SECONDS = 3;

    /** How long the PostgreSQL driver tries to connect and log in, in seconds (below the pool's 5 s). */
    static final int LOGIN_TIMEOUT_SECONDS = 4;

    /**
     * {@code url} with {@code ;AUTO_SERVER=TRUE} when it is an embedded H2 file database that does
     * not choose its own locking: the first process to open the file (a running {@code serve})
     * serves it to the others over a local TCP port, so that the CLI's commands work beside it
     * instead of failing on H2's file lock. Every other URL is returned as it is.
     */
    static String sharedH2(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String rest = url.substring("jdbc:h2:".length());
        String lower = rest.toLowerCase(Locale.ROOT);
        boolean notAFile = lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:")
                || lower.startsWith("zip:");
        boolean ownLocking = lower.contains(";auto_server=") || lower.contains(";file_lock=");
        return notAFile || ownLocking ? url : url + ";AUTO_SERVER=TRUE";
    }

    private void heads(SyncStoreBuilder builder) {
        if (maxHeads != null) {
            builder.maxHeads(maxHeads);
        }
        if (warnHeads != null) {
            builder.warnHeads(warnHeads);
        }
    }

    /** Opens a small pool and builds the store, doing {@code tables} about the tables. */
    Opened open(int poolSize, Tables tables) {
        // Checked before the database is opened.
        MergePolicy merge = policy == null ? null : PolicyOption.parse(policy);
        HikariDataSource ds = pool(poolSize, "sync-cli");
        try {
            Jdbi jdbi = Jdbi.create(ds);
            SyncStoreBuilder builder = SyncStore.builder(jdbi);
            if (meterRegistry != null) {
                builder.meterRegistry(meterRegistry);
            }
            if (schema != null) {
                builder.schema(schema);
            }
            if (merge != null) {
                try {
                    builder.mergePolicy(merge);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--policy: " + e.getMessage());
                }
            }
            heads(builder);
            SyncStore store = builder.build();
            if (tables == Tables.MIGRATE) {
                store.migrate();
            } else if (tables == Tables.REQUIRE && store.schemaVersion() < SyncStore.latestSchemaVersion()) {
                throw new IllegalStateException("no sync tables (or an older version of them) in " + printableUrl()
                        + (schema == null ? "" : " schema " + schema) + "; create them with: sync-cli migrate --db ... "
                        + "(on a schema Flyway manages: run Flyway with the location classpath:dev/syncmat/jdbi/migration/"
                        + (url.startsWith("jdbc:h2:") ? "h2" : "postgresql") + ")");
            }
            return new Opened(ds, jdbi, store);
        } catch (RuntimeException e) {
            close(ds, e);
            throw fileInUse(e);
        }
    }

    /**
     * Closes the pool after a failure. When no connection could be made, a connection attempt may
     * still be in flight, and Hikari waits up to its login timeout (5 s) for it: the pool is then
     * closed on a daemon thread, so the failure is reported without that wait.
     */
    private static void close(HikariDataSource ds, RuntimeException failure) {
        if (failure instanceof StoreException s && s.sqlState() != null && s.sqlState().startsWith("08")) {
            Thread closing = new Thread(ds::close, "sync-cli-pool-close");
            closing.setDaemon(true);
            closing.start();
        } else {
            ds.close();
        }
    }

    /**
     * H2's 90020 (the file is locked) said as what it means: another process holds the file
     * without serving it (it opened it without {@code AUTO_SERVER=TRUE}).
     */
    private RuntimeException fileInUse(RuntimeException e) {
        if (!(e instanceof StoreException s) || !"90020".equals(s.sqlState())) {
            return e;
        }
        return new IllegalStateException("the H2 database file of " + printableUrl() + " is in use by another process that "
                + "does not share it (H2 error 90020): stop that process, or give every process that opens the file "
                + ";AUTO_SERVER=TRUE in its URL (the CLI adds it to H2 file URLs itself); " + e.getMessage(), e);
    }
}
