package dev.syncmat.examples.http;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The limits of a {@link SyncHttpService}: where it listens, how long an idle connection may
 * stay, how large a body may be, how many store calls run and wait, how many of them one tenant
 * may hold, and how {@code /health} checks the database. Immutable and thread-safe; build one
 * with {@link #builder()}, which lists the defaults.
 *
 * @param address           where to listen (port 0 for any free port)
 * @param idleTimeout       how long a connection may send or take nothing before it is closed:
 *                          bounds a stalled request line, header, body or reader
 * @param maxBodyBytes      largest request body; a longer one gets 413 as soon as it passes this
 * @param threads           threads running store calls, and so the most database connections the
 *                          service uses at once (size the store's pool to at least this)
 * @param queue             store calls that may wait for a thread; one more gets 503 {@code overloaded}
 * @param tenantConcurrency requests of one tenant in progress at once (reading its body, waiting
 *                          or running); one more gets 503 {@code tenant_busy}. At most
 *                          {@code threads - 1}, so one tenant never holds every thread
 * @param maxConnections    open connections; past it the service stops accepting until one closes
 * @param healthDataSource  what {@code GET /health} runs {@code SELECT 1} on, or null to answer
 *                          without asking the database. Give it a connection of its own (a pool of
 *                          one), so that the check never waits behind tenant work
 * @param healthTimeout     how long {@code /health} waits for the database before it answers 503
 */
public record ServiceOptions(InetSocketAddress address, Duration idleTimeout, int maxBodyBytes, int threads, int queue,
                             int tenantConcurrency, int maxConnections, DataSource healthDataSource,
                             Duration healthTimeout) {
    /** Default idle timeout: 30 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default body cap: 16 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** Default number of store threads: 16. */
    public static final int DEFAULT_THREADS = 16;
    /** Default number of store calls that may wait for a thread: 64. */
    public static final int DEFAULT_QUEUE = 64;
    /** Default bound on one tenant's requests in progress: 4 (or {@code threads - 1} if lower). */
    public static final int DEFAULT_TENANT_CONCURRENCY = 4;
    /** Default bound on open connections: 1,024. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default wait of {@code /health} for the database: 1 s. */
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(1);

    /** Checks the values; the builder is the usual way in. */
    public ServiceOptions {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        if (idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 ms, but was " + idleTimeout);
        }
        if (healthTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("healthTimeout must be at least 1 ms, but was " + healthTimeout);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1, but was " + maxBodyBytes);
        }
        if (threads < 2) {
            throw new IllegalArgumentException("threads must be >= 2 (one more than a tenant may hold), but was " + threads);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue must be >= 0, but was " + queue);
        }
        if (tenantConcurrency < 1 || tenantConcurrency > threads - 1) {
            throw new IllegalArgumentException("tenantConcurrency must be between 1 and threads - 1 = " + (threads - 1)
                    + ", but was " + tenantConcurrency);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, but was " + maxConnections);
        }
    }

    /** The defaults: loopback on any free port, and the {@code DEFAULT_...} values. */
    public static ServiceOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The health check's data source, if {@code /health} asks the database. */
    public Optional<DataSource> health() {
        return Optional.ofNullable(healthDataSource);
    }

    /** Builds {@link ServiceOptions}. Defaults are listed on each setter. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;
        private int queue = DEFAULT_QUEUE;
        private Integer tenantConcurrency;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private DataSource healthDataSource;
        private Duration healthTimeout = DEFAULT_HEALTH_TIMEOUT;

        private Builder() {
        }

        /** Where to listen; default the loopback address on any free port. */
        public Builder address(InetSocketAddress value) {
            this.address = Objects.requireNonNull(value, "address");
            return this;
        }

        /** Idle timeout of connections; default 30 s. */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = Objects.requireNonNull(value, "idleTimeout");
            return this;
        }

        /** Largest request body; default 16 MiB. */
        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** Store threads; default 16. */
        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        /** Store calls that may wait for a thread; default 64. */
        public Builder queue(int value) {
            this.queue = value;
            return this;
        }

        /** Requests of one tenant in progress at once; default 4, or {@code threads - 1} if that is lower. */
        public Builder tenantConcurrency(int value) {
            this.tenantConcurrency = value;
            return this;
        }

        /** Open connections; default 1,024. */
        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        /** What {@code /health} checks; default none (it answers without asking the database). */
        public Builder healthDataSource(DataSource value) {
            this.healthDataSource = value;
            return this;
        }

        /** How long {@code /health} waits for the database; default 1 s. */
        public Builder healthTimeout(Duration value) {
            this.healthTimeout = Objects.requireNonNull(value, "healthTimeout");
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException for a value out of range, naming it
         */
        public ServiceOptions build() {
            int perTenant = tenantConcurrency != null ? tenantConcurrency
                    : Math.max(1, Math.min(DEFAULT_TENANT_CONCURRENCY, threads - 1));
            return new ServiceOptions(address, idleTimeout, maxBodyBytes, threads, queue, perTenant, maxConnections,
                    healthDataSource, healthTimeout);
        }
    }
}
