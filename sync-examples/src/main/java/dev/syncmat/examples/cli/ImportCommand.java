package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.jdbi.ImportReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code import --db URL --tenant T --file FILE [--batch N]}: imports a JSON-lines file of a legacy
 * system's current objects ({@code id}, {@code type}, {@code tags}, {@code payload},
 * {@code deleted}) as ops of the store's import actor, printing one JSON report. The whole file is
 * checked before anything is written; a bad line exits with 1 naming the line and the field.
 * Re-running it after a failure finishes the work (objects already imported are duplicates).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Import a JSON-lines file of existing objects (id, type, tags, payload, deleted) into a tenant; "
                + "prints one JSON report.")
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant to import into.")
    String tenant;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "JSON lines of objects, UTF-8.")
    Path file;

    @Option(names = "--batch", defaultValue = "500", paramLabel = "N",
            description = "Objects per transaction (default 500, at most the store's push limit, 1000).")
    int batch;

    @Mixin
    HeadsOptions heads;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1 || batch > 1000) {
            throw new UsageException("--batch must be between 1 and 1000, but was " + batch);
        }
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("no such file: " + file);
        }
        heads.applyTo(db);
        ImportReport report;
        try (DbOptions.Opened opened = db.open(1)) {
            report = opened.store().importFile(tenant, file, batch);
        } catch (InvalidInputException e) {
            // A bad line (ImportLineException names it and its field), or a bad tenant id.
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        spec.commandLine().getOut().println(SyncJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("tenantId", report.tenantId());
            g.writeNumberField("objects", report.objects());
            g.writeNumberField("batches", report.batches());
            g.writeNumberField("applied", report.applied());
            g.writeNumberField("merged", report.merged());
            g.writeNumberField("stale", report.stale());
            g.writeNumberField("duplicates", report.duplicates());
            g.writeStringField("serverCursor", report.serverCursor());
            g.writeEndObject();
        }));
        return 0;
    }
}
