package dev.syncmat.examples.cli;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.json.OpLine;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
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
 */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, SyncCli.INVALID_INPUT, SyncCli.USAGE, SyncCli.FAILURE},
        description = "Materialize a JSON-lines file of ops in memory and print the objects as JSON lines.")
final class MaterializeCommand implements Callable<Integer> {
    private static final Comparator<String> TENANT_ORDER = Comparator.nullsFirst(Utf8Order.COMPARATOR);

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON lines of ops (optional tenantId per line).")
    Path input;

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
        List<OpLines.Numbered> lines;
        try {
            lines = OpLines.read(input, SyncJson.create());
        } catch (OpLines.BadLineException e) {
            err.println("error: " + e.getMessage());
            return SyncCli.EXIT_INVALID_INPUT;
        }
        Map<String, Materializer> byTenant = new TreeMap<>(TENANT_ORDER);
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
}
