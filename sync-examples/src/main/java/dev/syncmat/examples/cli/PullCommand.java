package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.SyncProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pull --db URL --tenant T [--since C] [--type X]... [--id X]... [--tag X]... [--limit N] [--include-heads]
 * [--wait MS]}: one page, as the pull response body (objects, removed, serverCursor, hasMore); with
 * {@code --wait} a pull that finds nothing waits up to MS (cut to the store's cap) for a push.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Pull one page of objects changed since a cursor; prints one JSON document.")
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant to pull for.")
    String tenant;

    @Option(names = "--since", paramLabel = "CURSOR", description = "Cursor from the previous pull (default: full sync).")
    String since;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only objects of this type (repeatable).")
    List<String> types = new ArrayList<>();

    @Option(names = "--id", paramLabel = "ID", description = "Only this object (repeatable).")
    List<String> ids = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "Only objects with one of these tags (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", description = "Page size (default 500, at most 1000).")
    Integer limit;

    @Option(names = "--include-heads", description = "Add each object's non-winning heads (otherHeads).")
    boolean includeHeads;

    @Option(names = "--wait", paramLabel = "MS",
            description = "If nothing changed, wait up to MS milliseconds for a change (at most 30000) before printing the empty page.")
    Long waitMs;

    @Override
    public Integer call() {
        // A read: it must not create tables (a mistyped --schema would otherwise get a new, empty store).
        // A wait on PostgreSQL holds one more connection, for LISTEN.
        try (DbOptions.Opened opened = db.open(waitMs != null && waitMs > 0 ? 2 : 1, DbOptions.Tables.REQUIRE)) {
            PullResponse page;
            try {
                page = opened.store().pull(tenant, new PullRequest(since, new Scope(types, ids, tags), limit, includeHeads, waitMs));
            } catch (InvalidInputException e) {
                spec.commandLine().getErr().println("error: field \"" + e.field() + "\": " + e.getMessage());
                return SyncCli.EXIT_INVALID_INPUT;
            }
            spec.commandLine().getOut().println(SyncProtocol.create().write(page));
        }
        return 0;
    }
}
