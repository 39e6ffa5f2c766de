package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL change feed: one connection, taken from the store's {@link Jdbi} and held, that
 * {@code LISTEN}s on the store's channel, and one thread that waits on it with
 * {@link PGConnection#getNotifications(int)}. Every push that changed something sends
 * {@code pg_notify(channel, tenant)} inside its transaction ({@link PostgresDialect#announce}), so
 * the notification arrives after the commit only, and at every process that listens.
 *
 * <p>A lost connection (the backend terminated, the network cut) is noticed when a read fails, or
 * at the latest by a {@code SELECT 1} every {@value #CHECK_MILLIS} ms; the feed then reports
 * {@link ChangeFeed.Listener#lost()}, and opens a new connection after a backoff that starts at
 * {@value #FIRST_BACKOFF_MILLIS} ms and doubles up to {@value #MAX_BACKOFF_MILLIS} ms, reporting
 * {@link ChangeFeed.Listener#restored()} once it listens again. Thread-safe.
 */
final class PgListener implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(LivePulls.class);
    /** The {@code application_name} of the listening connection, to find it in {@code pg_stat_activity}. */
    static final String APPLICATION_NAME = "syncmat-listen";
    static final int CHECK_MILLIS = 10_000;
    static final int FIRST_BACKOFF_MILLIS = 100;
    static final int MAX_BACKOFF_MILLIS = 5_000;
    private static final int READ_MILLIS = 500;
    private static final int NAME_BYTES = 63;

    private final Jdbi jdbi;
    private final String channel;
    private final Object sleep = new Object();
    private volatile boolean live;
    private volatile boolean closed;
    private Thread thread;

    PgListener(Jdbi jdbi, String channel) {
        this.jdbi = jdbi;
        this.channel = channel;
    }

    /**
     * The channel of the store's schema: {@code syncmat}, or {@code syncmat_<schema>} cut to
     * PostgreSQL's 63 bytes (a schema is a plain ASCII identifier), so that stores of different
     * schemas in one database rarely wake each other (when they do, a waiting pull only reads again).
     */
    static String channel(Sql sql) {
        String prefix = sql.schemaPrefix();
        String name = prefix.isEmpty() ? "syncmat" : "syncmat_" + prefix.substring(0, prefix.length() - 1);
        return name.length() > NAME_BYTES ? name.substring(0, NAME_BYTES) : name;
    }

    @Override
    public synchronized void start(Listener listener) {
        thread = new Thread(() -> run(listener), "syncmat-listen");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(READ_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(Listener listener) {
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean everLive = false;
        while (!closed) {
            try (Handle h = jdbi.open()) {
                Connection c = h.getConnection();
                PGConnection pg = c.unwrap(PGConnection.class);
                c.setNetworkTimeout(Runnable::run, CHECK_MILLIS);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    s.execute("LISTEN \"" + channel + "\"");
                }
                live = true;
                if (everLive) {
                    LOG.info("live pulls: listening on channel \"{}\" again", channel);
                }
                everLive = true;
                backoff = FIRST_BACKOFF_MILLIS;
                listener.restored();
                listen(c, pg, listener);
                unlisten(c);
            } catch (SQLException | RuntimeException e) {
                boolean was = live;
                live = false;
                if (closed) {
                    break;
                }
                listener.lost();
                if (was) {
                    LOG.warn("live pulls: lost the LISTEN connection ({}); waiting pulls poll every interval until it is back",
                            e.toString());
                } else {
                    LOG.warn("live pulls: could not open the LISTEN connection ({}); retrying in {} ms", e.toString(), backoff);
                }
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
        live = false;
    }

    // Hands every notification to the listener as it arrives, until the connection fails or the feed closes.
    private void listen(Connection c, PGConnection pg, Listener listener) throws SQLException {
        long nextCheck = System.nanoTime() + CHECK_MILLIS * 1_000_000L;
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(READ_MILLIS);
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    if (channel.equals(n.getName())) {
                        listener.committed(n.getParameter());
                    }
                }
            }
            if (System.nanoTime() - nextCheck >= 0) {
                // A half-open connection says nothing: ask it something now and then.
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                nextCheck = System.nanoTime() + CHECK_MILLIS * 1_000_000L;
            }
        }
    }

    // The connection goes back to the application's pool: leave it as it came.
    private static void unlisten(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
            s.execute("RESET application_name");
        } catch (SQLException e) {
            LOG.debug("live pulls: could not reset the LISTEN connection: {}", e.toString());
        }
    }

    private void pause(long millis) {
        synchronized (sleep) {
            if (!closed) {
                try {
                    sleep.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }
}
