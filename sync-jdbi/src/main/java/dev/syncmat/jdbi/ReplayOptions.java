package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.merge.MergePolicy;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to replay a tenant's journal.
 *
 * <p>The tenant's state was merged with the policy recorded for it ({@link SyncStore#replay}). A
 * replay under another policy is refused with a {@link PolicyMismatchException} unless it says
 * {@code switchPolicy}: then a verify shows what switching would change (and writes nothing), and
 * a rebuild re-merges the tenant under the new policy and records it, in one transaction.
 *
 * @param mode         verify (write nothing) or rebuild
 * @param policy       the merge policy to replay with, or null for the store's own
 * @param pageSize     journal entries read per round trip; memory use is about one page
 * @param progress     called after each page; must be quick and must not throw
 * @param switchPolicy whether the replay may use another policy than the tenant's recorded one
 *                     (a rebuild then records it)
 */
public record ReplayOptions(ReplayMode mode, MergePolicy policy, int pageSize, Consumer<ReplayProgress> progress,
                            boolean switchPolicy) {
    /** Checks the values; a null progress callback means none. */
    public ReplayOptions {
        Objects.requireNonNull(mode, "mode");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1, but was " + pageSize);
        }
        progress = progress == null ? p -> { } : progress;
    }

    /** Options that keep the tenant's recorded policy (no switch). */
    public ReplayOptions(ReplayMode mode, MergePolicy policy, int pageSize, Consumer<ReplayProgress> progress) {
        this(mode, policy, pageSize, progress, false);
    }

    /** Verify with the store's policy, 1,000 entries per page. */
    public static ReplayOptions verify() {
        return new ReplayOptions(ReplayMode.VERIFY, null, 1000, null);
    }

    /** Rebuild with the store's policy, 1,000 entries per page. */
    public static ReplayOptions rebuild() {
        return new ReplayOptions(ReplayMode.REBUILD, null, 1000, null);
    }

    /** These options with another policy. */
    public ReplayOptions withPolicy(MergePolicy value) {
        return new ReplayOptions(mode, value, pageSize, progress, switchPolicy);
    }

    /** These options with another page size. */
    public ReplayOptions withPageSize(int value) {
        return new ReplayOptions(mode, policy, value, progress, switchPolicy);
    }

    /** These options with a progress callback. */
    public ReplayOptions withProgress(Consumer<ReplayProgress> value) {
        return new ReplayOptions(mode, policy, pageSize, value, switchPolicy);
    }

    /**
     * These options allowing (true) or refusing (false, the default) a policy other than the
     * tenant's recorded one: the explicit switch of a tenant to a new policy.
     */
    public ReplayOptions withSwitchPolicy(boolean value) {
        return new ReplayOptions(mode, policy, pageSize, progress, value);
    }
}
