package dev.syncmat.examples.cli;

import dev.syncmat.examples.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code demo}: offline clients converging through the example service on an embedded H2. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        exitCodeListHeading = SyncCli.EXIT_CODES,
        exitCodeList = {SyncCli.OK, "1:the clients did not converge", SyncCli.USAGE, SyncCli.FAILURE},
        description = "Offline clients edit shared notes, sync through the HTTP service in random order, and converge.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Random seed (default 7).")
    long seed;

    @Option(names = "--clients", defaultValue = "3", paramLabel = "N", description = "Number of clients (default 3).")
    int clients;

    @Option(names = "--rounds", defaultValue = "4", paramLabel = "N", description = "Rounds of offline editing (default 4).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || rounds < 1) {
            spec.commandLine().getErr().println("error: --clients and --rounds must be >= 1");
            return 2;
        }
        boolean ok = new Demo(spec.commandLine().getOut(), seed, clients, rounds).run();
        return ok ? 0 : 1;
    }
}
