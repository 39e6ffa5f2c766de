package dev.syncmat.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress lines of a long command on stderr, never on stdout (which holds the command's JSON):
 * at most one per interval (a second by default), the first only once an interval has passed, so
 * that a quick run prints none. Each line has the count done, the rate and, when the total is
 * known, the share done and an estimate of the time left:
 * {@code push: 3000/10000 ops (30%), 2950 ops/s, about 3 s left}. A run that printed progress ends
 * with a summary line; a quick one prints nothing, unless it is built to summarize always. Numbers
 * are written the same in every locale.
 * Not thread-safe: one command, one thread.
 */
final class Progress {
    /** How often a line may be printed unless a command says otherwise. */
    static final long DEFAULT_INTERVAL_MILLIS = 1000;

    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final long total;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final boolean summarizeAlways;
    private long start;
    private long lastLine;
    private boolean printed;

    /**
     * @param err           where the lines go; null for a quiet run
     * @param label         what runs, first on each line ({@code push})
     * @param unit          what is counted ({@code ops})
     * @param total         how many there are in all, or -1 when that is not known
     * @param intervalNanos the least time between two lines (0: a line on every update)
     * @param nanoTime      the clock ({@code System::nanoTime}; tests pass their own)
     * @param summarizeAlways whether {@link #finish} prints its summary even after a quick run
     */
    Progress(PrintWriter err, String label, String unit, long total, long intervalNanos, LongSupplier nanoTime,
             boolean summarizeAlways) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
        this.summarizeAlways = summarizeAlways;
        this.start = nanoTime.getAsLong();
        this.lastLine = start;
    }

    /** Progress on {@code err} (or none when {@code quiet}), with the real clock. */
    static Progress of(PrintWriter err, boolean quiet, String label, String unit, long total, long intervalMillis,
                       boolean summarizeAlways) {
        return new Progress(quiet ? null : err, label, unit, total, intervalMillis * 1_000_000L, System::nanoTime,
                summarizeAlways);
    }

    /** The work begins now (after opening the database, say): rate, time left and the first interval count from here. */
    void start() {
        start = nanoTime.getAsLong();
        lastLine = start;
    }

    /** {@code done} of the total are done; prints a line when the interval has passed since the last one. */
    void update(long done, String detail) {
        if (err == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastLine < intervalNanos) {
            return;
        }
        lastLine = now;
        printed = true;
        err.println(line(done, detail, now));
        err.flush();
    }

    /** The run is over with {@code done} done: a summary line, if progress was printed (or always, if so built). */
    void finish(long done, String detail) {
        if (err == null || !printed && !summarizeAlways) {
            return;
        }
        long now = nanoTime.getAsLong();
        double seconds = (now - start) / 1e9;
        err.println(String.format(Locale.ROOT, "%s: %d %s%s in %.1f s, %s %s/s", label, done, unit,
                detail == null ? "" : ", " + detail, seconds, rate(done, now), unit));
        err.flush();
    }

    /** The progress line for {@code done} at {@code now}. */
    String line(long done, String detail, long now) {
        StringBuilder line = new StringBuilder(label).append(": ").append(done);
        if (total >= 0) {
            line.append('/').append(total);
        }
        line.append(' ').append(unit);
        if (total > 0) {
            line.append(" (").append(done * 100 / total).append("%)");
        }
        if (detail != null) {
            line.append(", ").append(detail);
        }
        line.append(", ").append(rate(done, now)).append(' ').append(unit).append("/s");
        long elapsed = now - start;
        if (total >= 0 && done > 0 && elapsed > 0) {
            long leftSeconds = Math.round((double) elapsed * (total - done) / done / 1e9);
            line.append(", about ").append(leftSeconds).append(" s left");
        }
        return line.toString();
    }

    private String rate(long done, long now) {
        long elapsed = now - start;
        return elapsed <= 0 ? "-" : Long.toString(Math.round(done / (elapsed / 1e9)));
    }
}
