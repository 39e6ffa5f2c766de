package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.core.merge.MergePolicy;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to replay a tenant's journal.
 *
 * @param mode     verify (write nothing) or rebuild
 * @param policy   the merge policy to replay with, or null for the store's own; verify with another
 *                 policy shows what switching to it would change
 * @param pageSize journal entries read per round trip; memory use is about one page
 * @param progress called after each page; must be quick and must not throw
 */
public record ReplayOptions(ReplayMode mode, MergePolicy policy, int pageSize, Consumer<ReplayProgress> progress) {
    /** Checks the values; a null progress callback means none. */
    public ReplayOptions {
        Objects.requireNonNull(mode, "mode");
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1, but was " + pageSize);
        }
        progress = progress == null ? p -> { } : progress;
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
        return new ReplayOptions(mode, value, pageSize, progress);
    }

    /** These options with another page size. */
    public ReplayOptions withPageSize(int value) {
        return new ReplayOptions(mode, policy, value, progress);
    }

    /** These options with a progress callback. */
    public ReplayOptions withProgress(Consumer<ReplayProgress> value) {
        return new ReplayOptions(mode, policy, pageSize, value);
    }
}
