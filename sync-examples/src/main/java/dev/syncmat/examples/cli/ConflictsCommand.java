package dev.syncmat.examples.cli;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.SyncProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * {@code conflicts --db URL --tenant T [--object ID] [--from T] [--to T] [--stats]}: JSON lines of
 * conflict records in journal order, or counts by reason and object type.
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Print conflict records (JSON lines), or with --stats their counts by reason and object type.")
final class ConflictsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant.")
    String tenant;

    @Option(names = "--object", paramLabel = "ID", description = "Only this object's conflicts.")
    String objectId;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Only conflicts created at or after, e.g. 2026-11-24T00:00:00Z.")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Only conflicts created before.")
    String to;

    @Option(names = "--stats", description = "Print counts by reason and object type instead of records.")
    boolean stats;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant fromInstant;
        Instant toInstant;
        try {
            fromInstant = from == null ? null : Instant.parse(from);
            toInstant = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            spec.commandLine().getErr().println("error: --from/--to must be ISO-8601 instants such as 2026-11-24T00:00:00Z");
            return 2;
        }
        try (DbOptions.Opened opened = db.open(1, DbOptions.Tables.REQUIRE)) {
            ConflictQuery query = new ConflictQuery(objectId, fromInstant, toInstant);
            if (stats) {
                for (ConflictCount c : opened.store().conflictCounts(tenant, query)) {
                    out.println(SyncJson.write(g -> {
                        g.writeStartObject();
                        g.writeStringField("reason", c.reason().code());
                        g.writeStringField("objectType", c.objectType());
                        g.writeNumberField("count", c.count());
                        g.writeEndObject();
                    }));
                }
            } else {
                SyncProtocol protocol = SyncProtocol.create();
                opened.store().conflicts(tenant, query, c -> out.println(SyncJson.write(g -> protocol.write(g, c))));
            }
        }
        out.flush();
        return 0;
    }
}
