package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.json.OpLine;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.jdbi.PurgeArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code materialize --input FILE}: reads JSON lines of ops and prints one JSON line per
 * materialized object, sorted by tenant (lines without one first) then object id, both in UTF-8
 * byte order. The output depends only on the set of ops, not on their order or repetition.
 * {@code --archive FILE} (repeatable) adds the ops of a purge archive, for the archive's tenant:
 * alone, the objects as they were at its horizon; ops given with {@code --input} as well combine
 * with it (an op in both counts once).
 */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Materialize a JSON-lines file of ops, purge archives, or both, in memory and print the objects as JSON lines.")
final class MaterializeCommand implements Callable<Integer> {
    private static final Comparator<String> TENANT_ORDER = Comparator.nullsFirst(Utf8Order.COMPARATOR);

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", description = "JSON lines of ops (optional tenantId per line).")
    Path input;

    @Option(names = "--archive", paramLabel = "FILE",
            description = "A purge archive (sync-cli purge --archive); its ops count for its tenant. Repeatable. "
                    + "Alone: the objects at the archive's horizon.")
    List<Path> archives = List.of();

    @Option(names = "--policy", defaultValue = "delete-wins", paramLabel = "POLICY", description = PolicyOption.DESCRIPTION)
    String policy;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        MergeEngine engine;
        try {
            engine = MergeEngine.of(PolicyOption.parse(policy));
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_USAGE;
        }
        if (input == null && archives.isEmpty()) {
            err.println("error: give --input FILE, --archive FILE, or both");
            return SyncCli.EXIT_USAGE;
        }
        List<OpLines.Numbered> lines = List.of();
        try {
            if (input != null) {
                lines = OpLines.read(input, SyncJson.create());
            }
        } catch (OpLines.BadLineException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        Map<String, Materializer> byTenant = new TreeMap<>(TENANT_ORDER);
        for (Path archive : archives) {
            Integer failed = readArchive(archive, engine, byTenant, err);
            if (failed != null) {
                return failed;
            }
        }
        for (OpLines.Numbered line : lines) {
            OpLine op = line.opLine();
            Materializer m = byTenant.computeIfAbsent(op.tenantId(), t -> Materializer.of(engine));
            try {
                m.apply(op.op());
            } catch (InvalidInputException e) {
                err.println("error: " + OpLines.describe(line.number(), e));
                return SyncCli.EXIT_INVALID_INPUT;
            }
        }
        SyncJson json = SyncJson.create();
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<String, Materializer> tenant : byTenant.entrySet()) {
            for (ObjectState state : tenant.getValue().objects()) {
                out.println(json.writeObject(MaterializedObject.of(state), tenant.getKey()));
            }
        }
        out.flush();
        return 0;
    }

    /** Applies an archive's ops for its tenant; null, or the exit code of the error it printed. */
    private static Integer readArchive(Path archive, MergeEngine engine, Map<String, Materializer> byTenant, PrintWriter err)
            throws IOException {
        String[] tenant = {null};
        try (BufferedReader in = Files.newBufferedReader(archive, StandardCharsets.UTF_8)) {
            PurgeArchive.read(in, SyncJson.create(), h -> {
                if (!h.policy().equals(engine.policy().id())) {
                    throw new UsageException("--archive " + archive + " was merged under policy \"" + h.policy()
                            + "\"; give --policy " + h.policy());
                }
                tenant[0] = h.tenantId();
            }, e -> {
                if (tenant[0] == null) {
                    throw new InvalidInputException("archive", "--archive " + archive + " has an entry before its horizon line");
                }
                byTenant.computeIfAbsent(tenant[0], t -> Materializer.of(engine)).apply(e.op());
            });
        } catch (NoSuchFileException e) {
            err.println("error: --archive: no such file: " + archive);
            return SyncCli.EXIT_INVALID_INPUT;
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_USAGE;
        } catch (InvalidInputException e) {
            err.println("error: --archive " + archive + ": " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        return null;
    }
}
