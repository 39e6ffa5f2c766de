package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.jdbi.PolicyMismatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code sync-cli.jar}. */
@Command(name = "sync-cli", mixinStandardHelpOptions = true, version = "sync-cli 0.1.0",
        description = "Tools for the syncmat sync materialization library.",
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE, SyncCli.DIFFERENCES},
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

    /** The heading of the exit codes in every command's {@code --help}. */
    static final String EXIT_CODES = "%nExit codes:%n";
    static final String OK = "0:success";
    static final String INVALID_INPUT = "1:invalid input data (a bad op, line, cursor, id or limit); nothing of the refused"
            + " batch was written";
    static final String USAGE = "2:a command line that cannot work as given (unknown, missing or conflicting options, an"
            + " unset --password-env variable, a --policy other than the tenant's)";
    static final String FAILURE = "3:a database or environment failure (unreachable or failing database, missing tables,"
            + " missing file)";
    static final String DIFFERENCES = "4:replay --mode verify found differences; soak found a failure or an inconsistency";

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
            if (ex instanceof UsageException || ex instanceof PolicyMismatchException) {
                return EXIT_USAGE;
            }
            // Input a command did not catch itself (an object or tenant id over its limit, say).
            return ex instanceof InvalidInputException ? EXIT_INVALID_INPUT : EXIT_FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
