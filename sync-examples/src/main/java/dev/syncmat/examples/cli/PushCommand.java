package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.jdbi.PolicyMismatchException;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.core.protocol.SyncProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code push --db URL --tenant T --input FILE [--batch N] [--quiet]}: validates the whole file, then
 * pushes it in batches, printing one JSON line per batch on stdout and, at most once a second, its
 * progress on stderr (ops done of the file's, rate, time left). Each batch is one transaction; re-running the
 * command after a failure completes the work (already pushed ops come back as duplicates).
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Push a JSON-lines file of ops to a store, in batches, printing one JSON line per batch.")
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant to push for.")
    String tenant;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON lines of ops.")
    Path input;

    @Option(names = "--batch", defaultValue = "500", paramLabel = "N", description = "Ops per push (default 500, at most 1000).")
    int batch;

    @Mixin
    HeadsOptions heads;

    @Mixin
    ProgressOptions progressOptions;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1 || batch > 1000) {
            err.println("error: --batch must be between 1 and 1000, but was " + batch);
            return 2;
        }
        List<OpLines.Numbered> lines;
        try {
            lines = OpLines.read(input, SyncJson.create());
        } catch (OpLines.BadLineException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        for (OpLines.Numbered line : lines) {
            String lineTenant = line.opLine().tenantId();
            if (lineTenant != null && !lineTenant.equals(tenant)) {
                err.println("error: line " + line.number() + ", field \"tenantId\": the line is for tenant \"" + lineTenant
                        + "\", but --tenant is \"" + tenant + "\"");
                return SyncCli.EXIT_INVALID_INPUT;
            }
        }
        SyncProtocol protocol = SyncProtocol.create();
        Progress progress = progressOptions.progress(err, "push", "ops", lines.size(), false);
        heads.applyTo(db);
        try (DbOptions.Opened opened = db.open(2)) {
            // From here: the rate and the time left are those of pushing, not of opening the database.
            progress.start();
            for (int from = 0; from < lines.size(); from += batch) {
                List<OpLines.Numbered> slice = lines.subList(from, Math.min(lines.size(), from + batch));
                List<Op> ops = new ArrayList<>(slice.size());
                slice.forEach(l -> ops.add(l.opLine().op()));
                PushResult result;
                try {
                    result = opened.store().push(tenant, ops);
                } catch (InvalidInputException e) {
                    err.println("error: batch of lines " + slice.get(0).number() + ".." + slice.get(slice.size() - 1).number()
                            + " rejected, nothing of it written: field \"" + e.field() + "\": " + e.getMessage());
                    return SyncCli.EXIT_INVALID_INPUT;
                } catch (PolicyMismatchException e) {
                    err.println("error: batch of lines " + slice.get(0).number() + ".." + slice.get(slice.size() - 1).number()
                            + " refused (earlier batches are committed): --policy: " + e.getMessage());
                    return SyncCli.EXIT_USAGE;
                } catch (StoreException e) {
                    // A connection that dies while the commit is on its way may die after the commit
                    // (PostgreSQL reports a backend terminated at that moment as a failed COMMIT).
                    String fate = e.isConnectionLost()
                            ? " failed when the connection was lost: rolled back, unless the loss came just as it committed"
                            : " failed and was rolled back";
                    err.println("error: batch of lines " + slice.get(0).number() + ".." + slice.get(slice.size() - 1).number()
                            + fate + " (" + (e.isRetryable()
                            ? "retryable; earlier batches are committed, re-run the command to finish, ops already stored"
                                    + " come back as duplicate"
                            : "not retryable; earlier batches are committed, fix the cause before re-running")
                            + "): " + e.getMessage());
                    return SyncCli.EXIT_FAILURE;
                }
                out.println(protocol.write(result));
                out.flush();
                progress.update(from + slice.size(), null);
            }
        }
        progress.finish(lines.size(), null);
        return 0;
    }
}
