package dev.syncmat.examples.cli;

import picocli.CommandLine.Option;

/**
 * The bound on heads per object, for the commands that push ({@code push}, {@code import},
 * {@code serve}): {@code --max-heads} and {@code --warn-heads}, the store's {@code maxHeads} and
 * {@code warnHeads}. Unset, the store's defaults (1,000 and 25) apply.
 */
final class HeadsOptions {
    @Option(names = "--max-heads", paramLabel = "N",
            description = "Most heads an object keeps (default 1000, at least 2); the push that would leave more "
                    + "journals a resolution op of the store's own that supersedes them all.")
    Integer maxHeads;

    @Option(names = "--warn-heads", paramLabel = "N",
            description = "Log a warning when an object passes this many heads (default 25, at least 1).")
    Integer warnHeads;

    /**
     * Checks the bounds given (before any database is opened) and hands them to {@code db}.
     *
     * @throws UsageException naming the option when a value is out of range
     */
    void applyTo(DbOptions db) {
        if (maxHeads != null && maxHeads < 2) {
            throw new UsageException("--max-heads must be at least 2, but was " + maxHeads);
        }
        if (warnHeads != null && warnHeads < 1) {
            throw new UsageException("--warn-heads must be at least 1, but was " + warnHeads);
        }
        db.maxHeads = maxHeads;
        db.warnHeads = warnHeads;
    }
}
