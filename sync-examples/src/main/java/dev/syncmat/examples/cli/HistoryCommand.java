package dev.syncmat.examples.cli;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.protocol.SyncProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code history --db URL --tenant T --object ID}: one JSON line per journal entry of the object. */
@Command(name = "history", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Print the journal entries of one object, in order, with their outcomes (JSON lines).")
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant of the object.")
    String tenant;

    @Option(names = "--object", required = true, paramLabel = "ID", description = "Object id.")
    String objectId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SyncProtocol protocol = SyncProtocol.create();
        try (DbOptions.Opened opened = db.open(1, DbOptions.Tables.REQUIRE)) {
            opened.store().history(tenant, objectId, e -> out.println(SyncJson.write(g -> protocol.write(g, e))));
        }
        out.flush();
        return 0;
    }
}
