package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.jdbi.PurgeOptions;
import dev.syncmat.jdbi.PurgeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * {@code purge --db URL --tenant T --before INSTANT [--archive FILE] [--dry-run] [--batch-size N]}:
 * purges the tenant's tombstones, conflict records and scope exits older than the horizon and, with
 * {@code --archive}, archives the journal before it to a new JSON-lines file and removes it (the
 * heads at the horizon stay: replay starts from them). Prints one JSON report; a dry run reports
 * the same and writes nothing. A bad or backward horizon, or an archive file that exists, exits
 * with 2 naming the option.
 */
@Command(name = "purge", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Purge a tenant's tombstones, conflict records and (with --archive) journal older than a horizon; "
                + "prints one JSON report.")
final class PurgeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant to purge.")
    String tenant;

    @Option(names = "--before", required = true, paramLabel = "INSTANT",
            description = "The horizon, an ISO-8601 instant (2026-06-01T00:00:00Z): rows older than it are purged. "
                    + "Only moves forward; at most now.")
    String before;

    @Option(names = "--archive", paramLabel = "FILE",
            description = "Write the journal entries before the horizon and the snapshot of heads to this new file "
                    + "(JSON lines), then remove those entries. Without it the journal is kept whole.")
    Path archive;

    @Option(names = "--dry-run", description = "Report what would be purged; write nothing (no archive file either).")
    boolean dryRun;

    @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "N", description = "Rows per transaction.")
    int batchSize;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Instant horizon;
        try {
            horizon = Instant.parse(before);
        } catch (DateTimeParseException e) {
            throw new UsageException("--before must be an ISO-8601 instant such as 2026-06-01T00:00:00Z, but was \""
                    + before + "\"");
        }
        if (archive != null && Files.exists(archive)) {
            throw new UsageException("--archive: " + archive + " exists; a purge writes a new archive (keep the old one)");
        }
        PurgeOptions options;
        try {
            options = PurgeOptions.before(horizon).withDryRun(dryRun).withBatchSize(batchSize);
        } catch (InvalidInputException e) {
            throw new UsageException("--" + (e.field().equals("batchSize") ? "batch-size" : "before") + ": " + e.getMessage());
        }
        PurgeReport report;
        try (DbOptions.Opened opened = db.open(1, DbOptions.Tables.REQUIRE)) {
            if (archive == null) {
                report = purge(opened, options);
            } else if (dryRun) {
                // A dry run counts what the archive would take and writes nothing to it.
                report = purge(opened, options.withArchive(OutputStream.nullOutputStream()));
            } else {
                try (SyncedFile out = new SyncedFile(archive)) {
                    report = purge(opened, options.withArchive(out));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--archive: " + archive + ": " + e.getMessage(), e);
        }
        if (dryRun) {
            err.println("note: the example service keeps no record of its clients' cursors, so how many clients would be "
                    + "sent to resync is not known (\"clientsToResync\":null): every client whose last pull was before "
                    + "the horizon gets cursor_expired and pulls from null");
        }
        spec.commandLine().getOut().println(json(report));
        return 0;
    }

    private PurgeReport purge(DbOptions.Opened opened, PurgeOptions options) {
        try {
            return opened.store().purge(tenant, options);
        } catch (InvalidInputException e) {
            throw new UsageException("--before: " + e.getMessage());
        }
    }

    private String json(PurgeReport r) {
        return SyncJson.write(g -> {
            g.writeStartObject();
            g.writeStringField("tenantId", r.tenantId());
            g.writeBooleanField("dryRun", r.dryRun());
            g.writeStringField("horizon", r.horizon() == null ? null : r.horizon().toString());
            g.writeNumberField("horizonJournalSeq", r.horizonJournalSeq());
            g.writeNumberField("horizonChangeSeq", r.horizonChangeSeq());
            g.writeNumberField("tombstones", r.tombstones());
            g.writeNumberField("conflicts", r.conflicts());
            g.writeNumberField("scopeExits", r.scopeExits());
            g.writeNumberField("journalArchived", r.journalArchived());
            g.writeNumberField("snapshotHeads", r.snapshotHeads());
            g.writeStringField("archive", archive == null || r.dryRun() ? null : archive.toString());
            // The example service keeps no per-client cursor records; a number here would be invented.
            g.writeNullField("clientsToResync");
            g.writeEndObject();
        });
    }

    /** A new file whose flush reaches the disk: a purge removes rows only after their lines are flushed. */
    private static final class SyncedFile extends FileOutputStream {
        SyncedFile(Path path) throws IOException {
            super(path.toFile());
        }

        @Override
        public void flush() throws IOException {
            super.flush();
            getFD().sync();
        }
    }
}
