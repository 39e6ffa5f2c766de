package dev.syncmat.examples.cli;

import dev.syncmat.core.json.SyncJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code migrate --db URL [--schema S]}: creates or upgrades the sync tables. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Create or upgrade the sync tables; prints {\"applied\":[versions],\"version\":N}.")
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Override
    public Integer call() {
        try (DbOptions.Opened opened = db.open(1, DbOptions.Tables.IGNORE)) {
            List<Integer> applied = opened.store().migrate();
            int version = opened.store().schemaVersion();
            spec.commandLine().getOut().println(SyncJson.write(g -> {
                g.writeStartObject();
                g.writeArrayFieldStart("applied");
                for (int v : applied) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
                g.writeNumberField("version", version);
                g.writeEndObject();
            }));
        }
        return 0;
    }
}
