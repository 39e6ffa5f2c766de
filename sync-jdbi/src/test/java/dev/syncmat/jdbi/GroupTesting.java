package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import dev.syncmat.core.op.Op;

/** Shared pieces of the group-commit tests. */
final class GroupTesting {
    private GroupTesting() {
    }

    /** The columns that differ between two databases holding the same state: the random epochs. */
    private static final List<String> RANDOM_COLUMNS = List.of("epoch", "previous_epoch");

    /**
     * Every row of every library table for {@code tenant}, as column to value text, the random
     * epochs left out, sorted so that two databases with the same rows give equal lists.
     */
    static Map<String, List<String>> dump(TestDatabases.Database db, String tenant) {
        Map<String, List<String>> tables = new TreeMap<>();
        db.jdbi().useHandle(h -> {
            for (String table : StoreTesting.TABLES) {
                List<String> rows = new ArrayList<>();
                h.createQuery("SELECT * FROM " + table + " WHERE tenant_id = :t").bind("t", tenant)
                        .map((rs, ctx) -> {
                            Map<String, String> row = new TreeMap<>();
                            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                                String name = rs.getMetaData().getColumnLabel(c).toLowerCase(java.util.Locale.ROOT);
                                if (!RANDOM_COLUMNS.contains(name)) {
                                    Object v = rs.getObject(c);
                                    row.put(name, v == null ? "null" : v.toString());
                                }
                            }
                            return row.toString();
                        })
                        .forEach(rows::add);
                Collections.sort(rows);
                tables.put(table, rows);
            }
        });
        return tables;
    }

    /** Waits, polling, until {@code condition} holds; fails after a generous deadline. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    /**
     * Holds the lock on a tenant's counter row (which must exist) from a transaction of its own until
     * closed, so that pushes of the tenant queue up behind the one that waits for it.
     */
    static final class TenantLock implements AutoCloseable {
        private final Handle h;

        TenantLock(TestDatabases.Database db, String tenant) {
            h = db.jdbi().open();
            h.begin();
            h.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = :t FOR UPDATE").bind("t", tenant)
                    .mapTo(Long.class).one();
        }

        @Override
        public void close() {
            h.rollback();
            h.close();
        }
    }

    /** Records the groups a store ran, in the order they ran: each the very lists pushed. */
    static final class Groups implements GroupCommit.Listener {
        final List<List<List<Op>>> groups = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void grouped(String tenant, List<List<Op>> members, List<PushWork.Member> results) {
            groups.add(List.copyOf(members));
        }

        /** Every request pushed, in the order the store ran them. */
        List<List<Op>> order() {
            List<List<Op>> order = new ArrayList<>();
            synchronized (groups) {
                groups.forEach(order::addAll);
            }
            return order;
        }

        /** The position of each request in {@link #order()}, by identity. */
        Map<List<Op>, Integer> positions() {
            Map<List<Op>, Integer> positions = new IdentityHashMap<>();
            List<List<Op>> order = order();
            for (int i = 0; i < order.size(); i++) {
                positions.put(order.get(i), i);
            }
            return positions;
        }

        int largest() {
            synchronized (groups) {
                return groups.stream().mapToInt(List::size).max().orElse(0);
            }
        }
    }
}
