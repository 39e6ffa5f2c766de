package dev.syncmat.examples.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The progress options of the long commands ({@code push}, {@code replay}). */
final class ProgressOptions {
    @Option(names = {"-q", "--quiet"}, description = "Print no progress on stderr (errors and warnings still go there).")
    boolean quiet;

    // Hidden: for tests, which must not wait a second for a line.
    @Option(names = "--progress-interval", hidden = true, paramLabel = "MS", defaultValue = "1000",
            description = "Least time between two progress lines, in milliseconds.")
    long intervalMillis = Progress.DEFAULT_INTERVAL_MILLIS;

    /** Progress of {@code label} counting {@code unit} of {@code total} (-1: unknown) on {@code err}. */
    Progress progress(PrintWriter err, String label, String unit, long total, boolean summarizeAlways) {
        return Progress.of(err, quiet, label, unit, total, Math.max(0, intervalMillis), summarizeAlways);
    }
}
