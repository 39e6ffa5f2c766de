package dev.syncmat.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress lines: at most one per interval, rate and time left from an injected clock, the same in every locale. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final StringWriter text = new StringWriter();

    private Progress progress(long total, boolean summarizeAlways) {
        return new Progress(new PrintWriter(text), "push", "ops", total, SECOND, now::get, summarizeAlways);
    }

    @Test
    void aLineComesOnlyOnceAnIntervalHasPassedAndAtMostOnePerInterval() {
        Progress p = progress(10_000, false);
        now.addAndGet(SECOND / 2);
        p.update(1500, null);
        assertThat(text.toString()).as("half a second in").isEmpty();
        now.addAndGet(SECOND / 2);
        p.update(3000, null);
        now.addAndGet(SECOND / 10);
        p.update(3300, null);
        assertThat(text.toString().lines()).containsExactly("push: 3000/10000 ops (30%), 3000 ops/s, about 2 s left");
        now.addAndGet(SECOND);
        p.update(6300, null);
        now.addAndGet(SECOND * 4 / 10);
        p.finish(10_000, null);
        assertThat(text.toString().lines()).containsExactly(
                "push: 3000/10000 ops (30%), 3000 ops/s, about 2 s left",
                "push: 6300/10000 ops (63%), 3000 ops/s, about 1 s left",
                "push: 10000 ops in 2.5 s, 4000 ops/s");
    }

    @Test
    void theClockStartsOverWhenTheWorkBegins() {
        Progress p = progress(100, false);
        now.addAndGet(3 * SECOND);
        p.start();
        now.addAndGet(SECOND / 2);
        p.update(10, null);
        assertThat(text.toString()).as("half a second after the start").isEmpty();
        now.addAndGet(SECOND / 2);
        p.update(50, null);
        assertThat(text.toString().lines()).containsExactly("push: 50/100 ops (50%), 50 ops/s, about 1 s left");
    }

    @Test
    void withoutATotalThereIsNoShareAndNoTimeLeft() {
        Progress p = new Progress(new PrintWriter(text), "replay", "journal ops", -1, 0, now::get, true);
        now.addAndGet(2 * SECOND);
        p.update(5000, "12 objects, 1 differing");
        assertThat(text.toString().lines()).containsExactly("replay: 5000 journal ops, 12 objects, 1 differing, 2500 journal ops/s");
    }

    @Test
    void aQuickRunPrintsNothingUnlessItSummarizesAlways() {
        Progress quick = progress(10, false);
        quick.update(10, null);
        quick.finish(10, null);
        assertThat(text.toString()).isEmpty();

        Progress summarizing = new Progress(new PrintWriter(text), "replay", "journal ops", -1, SECOND, now::get, true);
        now.addAndGet(SECOND / 4);
        summarizing.update(9, "4 objects, 0 differing");
        summarizing.finish(9, "4 objects, 0 differing");
        assertThat(text.toString().lines()).containsExactly("replay: 9 journal ops, 4 objects, 0 differing in 0.3 s, 36 journal ops/s");
    }

    @Test
    void aQuietRunPrintsNothing() {
        Progress quiet = Progress.of(new PrintWriter(text), true, "push", "ops", 10, 0, true);
        quiet.update(5, null);
        quiet.finish(10, null);
        assertThat(text.toString()).isEmpty();
    }
}
