package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;

import java.io.OutputStream;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link SyncStore#purge purge} does: the retention horizon (rows older than it are
 * removed), whether it only reports ({@link #dryRun()}), where archived journal entries go (none:
 * the journal is left whole), and how many rows each of its transactions handles.
 *
 * <pre>{@code
 * store.purge("acme", PurgeOptions.before(Instant.parse("2026-06-01T00:00:00Z")).withArchive(out));
 * }</pre>
 *
 * <p>Immutable and thread-safe (the archive stream is used by one purge at a time).
 *
 * @param horizon   rows older than this instant are purged; must not be after the store's clock
 * @param dryRun    report what would be purged and write nothing (no archive either)
 * @param archive   where the archive is written as UTF-8 JSON lines ({@link PurgeArchive}), or
 *                  null to keep the journal whole; purge flushes it, never closes it
 * @param batchSize rows per transaction and per page read (1 to 100,000; default 1,000)
 */
public record PurgeOptions(Instant horizon, boolean dryRun, OutputStream archive, int batchSize) {
    /** The default rows per transaction. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    /** Checks the values. */
    public PurgeOptions {
        if (horizon == null) {
            throw new InvalidInputException("before", "the horizon (before) must be given");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new InvalidInputException("batchSize", "batchSize must be between 1 and 100000, but was " + batchSize);
        }
    }

    /** Purge what is older than {@code horizon}, without an archive, in batches of the default size. */
    public static PurgeOptions before(Instant horizon) {
        return new PurgeOptions(horizon, false, null, DEFAULT_BATCH_SIZE);
    }

    /** These options, reporting only (true) or purging (false). */
    public PurgeOptions withDryRun(boolean value) {
        return new PurgeOptions(horizon, value, archive, batchSize);
    }

    /** These options, archiving the journal entries before the horizon to {@code out} and removing them. */
    public PurgeOptions withArchive(OutputStream out) {
        return new PurgeOptions(horizon, dryRun, Objects.requireNonNull(out, "out"), batchSize);
    }

    /** These options with another batch size. */
    public PurgeOptions withBatchSize(int value) {
        return new PurgeOptions(horizon, dryRun, archive, value);
    }
}
