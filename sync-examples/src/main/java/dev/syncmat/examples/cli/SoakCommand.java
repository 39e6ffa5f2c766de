package dev.syncmat.examples.cli;

import dev.syncmat.examples.bench.LoadDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code soak --db URL [--writers N] [--followers M] [--duration 10m]}: runs the load driver for a
 * while against a fresh tenant (writers on a few hot objects retrying retryable failures, followers
 * pulling by cursor), then checks the store against the run. One JSON summary line on stdout,
 * progress and problems on stderr; exit code 4 when anything failed or disagrees. The tenant's rows
 * stay for inspection: run it against a scratch database.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.USAGE, SyncCli.FAILURE,
                "4:a run failed, or the store disagrees with what it was sent"},
        description = "Run writers on hot objects and followers pulling by cursor for a while, then check that nothing was"
                + " lost or skipped; prints one JSON summary line, exits 4 if anything is inconsistent.")
final class SoakCommand implements Callable<Integer> {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--writers", defaultValue = "4", paramLabel = "N", description = "Writer threads (default 4).")
    int writers;

    @Option(names = "--followers", defaultValue = "2", paramLabel = "M", description = "Follower threads (default 2).")
    int followers;

    @Option(names = "--duration", defaultValue = "10m", paramLabel = "D",
            description = "How long writers keep pushing: 90s, 10m, 1h or ISO-8601 (default 10m).")
    String duration;

    @Option(names = "--objects", defaultValue = "8", paramLabel = "K", description = "Hot objects the writers share (default 8).")
    int objects;

    @Option(names = "--max-batch", defaultValue = "8", paramLabel = "B", description = "Most ops per push (default 8).")
    int maxBatch;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "Tenant to use; must be empty (default: soak-<current time>, a new one each run).")
    String tenant;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the writers' choices (default 1).")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration length = parseDuration(duration);
        if (length == null || length.isZero() || length.isNegative()) {
            err.println("error: --duration must be positive, like 90s, 10m, 1h or PT90S, but was \"" + duration + "\"");
            return 2;
        }
        if (writers < 1 || followers < 0) {
            // Checked before the pool is sized from them.
            err.println("error: writers must be >= 1 and followers >= 0, but were " + writers + " and " + followers);
            return 2;
        }
        String t = tenant != null ? tenant : "soak-" + Long.toString(System.currentTimeMillis(), 36);
        try (DbOptions.Opened opened = db.open(writers + followers + 1)) {
            LoadDriver driver;
            try {
                driver = LoadDriver.builder(opened.store()).tenant(t).writers(writers).followers(followers).hotObjects(objects)
                        .maxBatch(maxBatch).pushesPerWriter(0).duration(length).seed(seed).keepRecords(false).build();
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
            err.println(String.format(Locale.ROOT, "soak: tenant %s, %d writers, %d followers, %d hot objects, for %s",
                    t, writers, followers, objects, duration.trim()));
            err.flush();
            LoadDriver.Result result = driver.run();
            err.println("soak: run finished, checking the store");
            err.flush();
            LoadDriver.Check check = driver.check(result);
            out.println(LoadDriver.summaryJson(result, check));
            out.flush();
            result.failures().forEach(f -> err.println("soak: failure: " + f));
            result.anomalies().forEach(a -> err.println("soak: anomaly: " + a));
            result.unfinished().forEach(u -> err.println("soak: still running at the end (hang or deadlock): " + u));
            if (!check.consistent()) {
                err.println("soak: inconsistent: " + check + "; inspect with: sync-cli replay --mode verify --tenant " + t);
            }
            return result.clean() && check.consistent() ? 0 : SyncCli.EXIT_DIFFERENCES;
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT10M}); null when neither. */
    static Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.trim());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
