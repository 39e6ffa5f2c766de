package dev.syncmat.examples.cli;

import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.core.protocol.ReplayMode;
import dev.syncmat.jdbi.ReplayOptions;
import dev.syncmat.core.protocol.ReplayReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code replay --db URL --tenant T --mode verify|rebuild [--policy P [--switch-policy]]}:
 * recomputes the tenant's objects and conflicts from the journal with the store's (or the given)
 * merge policy; prints one JSON report on stdout, and on stderr its progress at most once a second
 * and a summary line (none with {@code --quiet}). A verify that finds differences exits
 * with 4; a policy other than the tenant's recorded one exits with 2, unless {@code --switch-policy}
 * says to switch to it.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE,
                "4:the verify found differences between the stored state and the journal"},
        description = "Verify or rebuild a tenant's objects and conflicts from its journal; prints one JSON report.")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant to replay.")
    String tenant;

    @Option(names = "--mode", required = true, paramLabel = "MODE", description = "verify (write nothing) or rebuild.")
    String mode;

    @Option(names = "--page-size", defaultValue = "1000", paramLabel = "N", description = "Journal entries per round trip.")
    int pageSize;

    @Option(names = "--switch-policy",
            description = "Replay with --policy although the tenant records another one: verify shows what the switch "
                    + "would change, rebuild re-merges the tenant and records the new policy. Needs --policy.")
    boolean switchPolicy;

    @Mixin
    ProgressOptions progressOptions;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ReplayMode m = ReplayMode.fromWireName(mode);
        if (m == null) {
            err.println("error: --mode must be verify or rebuild, but was \"" + mode + "\"");
            return 2;
        }
        if (switchPolicy && db.policy == null) {
            err.println("error: --switch-policy needs --policy naming the policy to switch the tenant to");
            return 2;
        }
        // The journal's length is not known beforehand: counts and rate, no time left.
        Progress progress = progressOptions.progress(err, "replay", "journal ops", -1, true);
        ReplayOptions options;
        try {
            options = new ReplayOptions(m, null, pageSize,
                    p -> progress.update(p.journalOps(), p.objects() + " objects, " + p.changed() + " differing"), switchPolicy);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        ReplayReport report;
        try (DbOptions.Opened opened = db.open(1, DbOptions.Tables.REQUIRE)) {
            progress.start();
            report = opened.store().replay(tenant, options);
        }
        Set<String> differing = new TreeSet<>(report.changed());
        differing.addAll(report.conflictsChanged());
        progress.finish(report.journalOps(), report.objects() + " objects, " + differing.size() + " differing");
        if (report.journalOps() == 0) {
            err.println("warning: tenant \"" + tenant + "\" has no journal entries");
        }
        spec.commandLine().getOut().println(SyncProtocol.create().write(report));
        // Like diff: a verify that found differences exits with its own code, for scripts.
        return m == ReplayMode.VERIFY && !report.consistent() ? SyncCli.EXIT_DIFFERENCES : 0;
    }
}
