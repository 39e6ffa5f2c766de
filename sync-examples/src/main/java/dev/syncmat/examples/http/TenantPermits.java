package dev.syncmat.examples.http;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on the requests of each tenant in progress at once. The tenants are those of the token
 * map, fixed at start, so the table never grows. Thread-safe.
 */
final class TenantPermits {
    private final int max;
    private final Map<String, AtomicInteger> inUse = new HashMap<>();

    TenantPermits(Iterable<String> tenants, int max) {
        this.max = max;
        tenants.forEach(t -> inUse.putIfAbsent(t, new AtomicInteger()));
    }

    /** Takes a permit of {@code tenant} if one is free; the caller must {@link #release} it. */
    boolean tryAcquire(String tenant) {
        AtomicInteger n = inUse.get(tenant);
        while (true) {
            int now = n.get();
            if (now >= max) {
                return false;
            }
            if (n.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release(String tenant) {
        inUse.get(tenant).decrementAndGet();
    }
}
