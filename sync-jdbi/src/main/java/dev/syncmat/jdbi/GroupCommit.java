package dev.syncmat.jdbi;

import dev.syncmat.core.SyncException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PushResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * Group commit: concurrent pushes of one tenant in this store share one transaction. A push joins
 * its tenant's queue; when no push of the tenant is under way its caller leads: it takes the
 * queued pushes from the head, its own first, up to {@link StoreOptions#maxGroupRequests()} of
 * them and {@link StoreOptions#maxGroupOps()} ops in all (the first always), and runs them in that
 * order in one transaction ({@link PushWork#group}) that commits once. Then it completes every
 * member and hands the lead to the push now at the head of the queue, whose caller runs the next
 * group. So each caller leads at most one group, its own; pushes of one tenant in this process run
 * one group at a time, in the order they were queued; other tenants are not held up.
 *
 * <p>Bounds: the queue holds at most one push per waiting caller; a push that waited in it longer
 * than the lock-wait timeout when its group forms fails with a retryable lock-timeout
 * {@link StoreException} and is not run. A member refused by the input checks fails alone
 * ({@link PushWork.Member}); when the transaction fails (lock timeout, serialization failure, lost
 * connection) every member gets that {@link StoreException} (none is retried by the store; all
 * are safe to retry). When every member was refused the transaction is rolled back, so a refused
 * push leaves nothing, not even a new tenant's counter row. Thread-safe.
 */
final class GroupCommit {
    /** Told of every group after its transaction ended without a database failure. */
    @FunctionalInterface
    interface Listener {
        /**
         * A group's transaction committed (or was rolled back because every member was refused).
         *
         * @param tenant  the tenant
         * @param members the pushes of the group, in the order they ran, each the very list given to
         *                {@link SyncStore#push(String, List)}
         * @param results what each came to, in the same order
         */
        void grouped(String tenant, List<List<Op>> members, List<PushWork.Member> results);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    private final StoreContext context;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();
    private volatile Listener listener = (tenant, members, results) -> {
    };

    GroupCommit(StoreContext context) {
        this(context, System::nanoTime);
    }

    GroupCommit(StoreContext context, LongSupplier nanoTime) {
        this.context = context;
        this.nanoTime = nanoTime;
    }

    void listener(Listener value) {
        this.listener = value;
    }

    /** How many pushes of the tenant wait in the queue or run in the group under way. */
    int queued(String tenant) {
        Queue q = queues.get(tenant);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            return q.pending.size() + q.inGroup;
        }
    }

    /** One push waiting for, or in, a group. */
    private static final class Request {
        final List<Op> ops;
        final PushTally tally;
        final long queuedAt;
        private final CountDownLatch turn = new CountDownLatch(1);
        private volatile boolean lead;
        private volatile PushResult result;
        private volatile RuntimeException failure;

        Request(List<Op> ops, PushTally tally, long queuedAt) {
            this.ops = ops;
            this.tally = tally;
            this.queuedAt = queuedAt;
        }

        void complete(PushResult value, RuntimeException error) {
            result = value;
            failure = error;
            turn.countDown();
        }

        void handLead() {
            lead = true;
            turn.countDown();
        }

        /** Waits until the request is done or it is its turn to lead; true for the lead. */
        boolean await() {
            boolean interrupted = false;
            while (true) {
                try {
                    turn.await();
                    break;
                } catch (InterruptedException e) {
                    // The push may be in a transaction already; its caller gets its result, then the interrupt.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return lead;
        }

        PushResult resultOrThrow() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    /** A tenant's queue; removed from the map (retired) when it is empty and no group runs. */
    private static final class Queue {
        final ArrayDeque<Request> pending = new ArrayDeque<>();
        boolean running;
        boolean retired;
        /** Members of the group under way. */
        int inGroup;
    }

    /**
     * Pushes {@code ops} (already checked) in a group of the tenant's concurrent pushes; {@code tally}
     * is told what the push wrote, as {@link PushWork#push} tells it.
     */
    PushResult push(String tenant, List<Op> ops, PushTally tally) {
        Request request = new Request(ops, tally, nanoTime.getAsLong());
        Queue q;
        boolean lead;
        while (true) {
            q = queues.computeIfAbsent(tenant, t -> new Queue());
            synchronized (q) {
                if (!q.retired) {
                    q.pending.addLast(request);
                    lead = !q.running;
                    q.running = true;
                    break;
                }
            }
        }
        if (lead || request.await()) {
            lead(tenant, q);
        }
        return request.resultOrThrow();
    }

    /** Runs the group at the head of the queue (the leader's own push first), then hands the lead on. */
    private void lead(String tenant, Queue q) {
        StoreOptions options = context.options();
        long limitNanos = options.lockWaitTimeout().toNanos();
        List<Request> group = new ArrayList<>();
        List<Request> expired = new ArrayList<>();
        synchronized (q) {
            long now = nanoTime.getAsLong();
            int ops = 0;
            while (!q.pending.isEmpty() && group.size() < options.maxGroupRequests()) {
                Request next = q.pending.peekFirst();
                if (now - next.queuedAt > limitNanos) {
                    expired.add(q.pending.pollFirst());
                } else if (group.isEmpty() || ops + next.ops.size() <= options.maxGroupOps()) {
                    group.add(q.pending.pollFirst());
                    ops += next.ops.size();
                } else {
                    break;
                }
            }
            q.inGroup = group.size();
        }
        try {
            for (Request r : expired) {
                long waited = (nanoTime.getAsLong() - r.queuedAt) / 1_000_000;
                LOG.warn("gave up after {} ms waiting behind other pushes of tenant \"{}\" (lock-wait timeout {} ms)",
                        waited, tenant, options.lockWaitTimeout().toMillis());
                r.complete(null, StoreException.queueTimeout(SyncStore.pushing(tenant), waited,
                        options.lockWaitTimeout().toMillis(), context.dialect()));
            }
            if (!group.isEmpty()) {
                run(tenant, group);
            }
        } catch (RuntimeException | Error e) {
            for (Request r : group) {
                r.complete(null, e instanceof RuntimeException re ? re : new IllegalStateException("group commit failed", e));
            }
            throw e;
        } finally {
            synchronized (q) {
                q.inGroup = 0;
                Request next = q.pending.peekFirst();
                if (next != null) {
                    next.handLead();
                } else {
                    q.running = false;
                    q.retired = true;
                    queues.remove(tenant, q);
                }
            }
        }
    }

    /** One transaction for the group; completes every member. */
    private void run(String tenant, List<Request> group) {
        StoreOptions options = context.options();
        List<List<Op>> members = new ArrayList<>(group.size());
        List<PushTally> tallies = new ArrayList<>(group.size());
        group.forEach(r -> {
            members.add(r.ops);
            tallies.add(r.tally);
        });
        List<PushWork.Member> results;
        try {
            results = context.inTransaction(SyncStore.pushing(tenant), null, true, (h, sql) -> {
                List<PushWork.Member> m = PushWork.group(h, sql, options.engine(), options, context.headsCache(), tenant, members, tallies,
                        Rows.utc(options.clock().instant()));
                if (m.stream().allMatch(PushWork.Member::failed)) {
                    // Nothing to keep: not even the counter row a first push creates, or the policy it records.
                    throw new Refused(m);
                }
                return m;
            });
            // A group that committed: its size is what group commit coalesced.
            context.metrics().recordGroupSize(group.size());
        } catch (Refused e) {
            results = e.members;
        } catch (RuntimeException e) {
            group.forEach(r -> r.complete(null, e));
            return;
        }
        try {
            listener.grouped(tenant, members, results);
        } catch (RuntimeException e) {
            LOG.warn("group commit listener failed", e);
        }
        for (int i = 0; i < group.size(); i++) {
            PushWork.Member m = results.get(i);
            group.get(i).complete(m.result(), m.failure());
        }
    }

    /** Rolls back a group whose every member was refused. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient List<PushWork.Member> members;

        Refused(List<PushWork.Member> members) {
            super(null, null, false, false);
            this.members = members;
        }
    }
}
