package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process change feed (H2): a push tells, right after its transaction commits, every store
 * of this JVM that has live pulls on the same database and schema. Process-wide state, bounded by
 * the stores with live pulls started and not closed: {@link #SUBSCRIBERS} maps a database (its
 * JDBC URL and the schema) to their listeners. Thread-safe.
 */
final class LocalFeed implements ChangeFeed {
    private static final Map<String, Set<Listener>> SUBSCRIBERS = new ConcurrentHashMap<>();

    private final String key;
    private volatile Listener listener;

    LocalFeed(String key) {
        this.key = key;
    }

    /** The key of the database {@code h} is connected to, in the store's schema. */
    static String key(Handle h, Sql sql) {
        try {
            return h.getConnection().getMetaData().getURL() + "|" + sql.schemaPrefix();
        } catch (SQLException e) {
            throw StoreException.wrap("reading the database URL", e, sql.dialect());
        }
    }

    /** Tells the stores listening on {@code key} that a push of {@code tenant} committed. */
    static void committed(String key, String tenant) {
        Set<Listener> listeners = SUBSCRIBERS.get(key);
        if (listeners != null) {
            listeners.forEach(l -> l.committed(tenant));
        }
    }

    @Override
    public void start(Listener value) {
        this.listener = value;
        SUBSCRIBERS.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public void close() {
        Listener l = listener;
        if (l != null) {
            SUBSCRIBERS.computeIfPresent(key, (k, set) -> {
                set.remove(l);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
