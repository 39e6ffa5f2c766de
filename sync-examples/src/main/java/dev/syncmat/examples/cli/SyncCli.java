package dev.syncmat.examples.cli;

import dev.syncmat.jdbi.PolicyMismatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code sync-cli.jar}. */
@Command(name = "sync-cli", mixinStandardHelpOptions = true, version = "sync-cli 0.1.0",
        description = "Tools for the syncmat sync materialization library.",
        subcommands = {MaterializeCommand.class, MigrateCommand.class, PushCommand.class, PullCommand.class, ReplayCommand.class,
                PurgeCommand.class, ImportCommand.class, HistoryCommand.class, ConflictsCommand.class, ServeCommand.class, DemoCommand.class, BenchCommand.class,
                SoakCommand.class})
public final class SyncCli {
    /** Exit code for invalid input data (a bad op, a bad cursor). */
    static final int EXIT_INVALID_INPUT = 1;
    /**
     * Exit code for a command line that cannot work as given (picocli's own usage errors too, and a
     * {@code --policy} other than the one recorded for the tenant).
     */
    static final int EXIT_USAGE = 2;
    /** Exit code for a database or environment failure. */
    static final int EXIT_FAILURE = 3;
    /**
     * Exit code of {@code replay --mode verify} when the stored state differs from the journal, and of
     * {@code soak} when a run failed or the store disagrees with it.
     */
    static final int EXIT_DIFFERENCES = 4;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs the command line with the given streams (UTF-8 regardless of the platform default) and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SyncCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            // A --policy other than the tenant's recorded one is a command line that cannot work as given.
            return ex instanceof UsageException || ex instanceof PolicyMismatchException ? EXIT_USAGE : EXIT_FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
