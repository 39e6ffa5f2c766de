package dev.syncmat.examples.demo;

import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.op.Op;
import dev.syncmat.examples.http.ServiceOptions;
import dev.syncmat.examples.http.SyncHttpService;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.jdbi.SyncStore;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Offline clients editing shared notes through the example service: they edit and delete while
 * disconnected, sync in random order (or stay offline for a round), and finally all sync. The
 * demo passes only if every client ends with exactly the server's state, and the server's state
 * equals an in-memory materialization of all ops in reverse order.
 */
public final class Demo {
    private static final String TENANT = "demo";
    private static final String TOKEN = "demo-token";
    private static final List<String> NOTES = List.of("note-1", "note-2", "note-3", "note-4");
    private static final List<String> WORDS = List.of("milk", "eggs", "bread", "tea", "rice", "figs", "oats", "jam");

    private final PrintWriter out;
    private final Random random;
    private final int clients;
    private final int rounds;

    /** A demo printing to {@code out}, with a seeded random walk. */
    public Demo(PrintWriter out, long seed, int clients, int rounds) {
        this.out = out;
        this.random = new Random(seed);
        this.clients = clients;
        this.rounds = rounds;
    }

    /** Runs the demo; returns true when every client converged to the server's state. */
    public boolean run() throws Exception {
        Path dir = Files.createTempDirectory("syncmat-demo");
        try {
            return run(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private boolean run(Path dir) throws Exception {
        String url = "jdbc:h2:" + dir.resolve("demo").toAbsolutePath();
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "", "");
        SyncStore store = SyncStore.create(Jdbi.create(pool));
        store.migrate();
        List<Op> allOps = new ArrayList<>();
        try (AutoCloseable closePool = pool::dispose; SyncHttpService service = SyncHttpService.start(store, Map.of(TOKEN, TENANT),
                ServiceOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).maxBodyBytes(1 << 20).threads(4).build())) {
            URI base = URI.create("http://127.0.0.1:" + service.port() + "/api/sync/v2/");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<SyncClient> all = new ArrayList<>();
            List<String> names = List.of("alice", "bob", "carol", "dave", "erin", "frank");
            for (int i = 0; i < clients; i++) {
                all.add(new SyncClient(names.get(i % names.size()) + (i < names.size() ? "" : "-" + i), base, TOKEN, http));
            }
            // A read-only client that keeps only the notes tagged "shared": notes enter and leave
            // its scope as the others retag them, and it must end with exactly the shared ones.
            SyncClient watcher = new SyncClient("watcher", base, TOKEN, http, List.of("shared"));
            out.println("syncmat demo: " + clients + " offline clients, " + NOTES.size() + " shared notes, " + rounds
                    + " rounds, H2 database in " + dir);
            for (int round = 1; round <= rounds; round++) {
                out.println();
                out.println("round " + round);
                for (SyncClient c : all) {
                    int edits = 1 + random.nextInt(3);
                    for (int e = 0; e < edits; e++) {
                        allOps.add(edit(c, round));
                    }
                }
                List<SyncClient> order = new ArrayList<>(all);
                Collections.shuffle(order, random);
                List<SyncClient> syncing = new ArrayList<>();
                for (SyncClient c : order) {
                    if (round < rounds && random.nextInt(4) == 0) {
                        out.println("  " + c.actor() + " stays offline (" + c.pending().size() + " ops queued)");
                    } else {
                        syncing.add(c);
                        out.println("  " + c.actor() + " pushes: " + describe(c.push()));
                    }
                }
                for (SyncClient c : syncing) {
                    out.println("  " + c.actor() + " pulls " + c.pull() + " changed object(s)");
                }
                if (random.nextBoolean()) {
                    out.println("  watcher (tag shared) pulls " + watcher.pull() + " change(s) of its scope");
                }
            }
            out.println();
            out.println("final sync");
            for (SyncClient c : all) {
                Map<String, String> outcomes = c.push();
                if (!outcomes.isEmpty()) {
                    out.println("  " + c.actor() + " pushes: " + describe(outcomes));
                }
            }
            for (SyncClient c : all) {
                out.println("  " + c.actor() + " pulls " + c.pull() + " changed object(s)");
            }
            out.println("  watcher (tag shared) pulls " + watcher.pull() + " change(s) of its scope");

            out.println();
            out.println("conflicts resolved");
            for (ConflictRecord r : store.conflicts(TENANT, ConflictQuery.all())) {
                out.println("  " + r.objectId() + ": " + r.winnerOpId() + " beats " + r.loserOpId() + " (" + explain(r) + ")");
            }

            Map<String, MaterializedObject> server = all.get(0).serverState();
            out.println();
            out.println("final objects");
            out.printf(Locale.ROOT, "  %-8s %-7s %-6s %-9s %s%n", "object", "deleted", "heads", "winner", "payload");
            for (MaterializedObject o : server.values()) {
                out.printf(Locale.ROOT, "  %-8s %-7s %-6d %-9s %s%n", o.objectId(), o.deleted(), o.heads(), o.winnerOpId(),
                        o.payload() == null ? "-" : o.payload().json());
            }

            boolean ok = true;
            out.println();
            for (SyncClient c : all) {
                boolean same = c.objects().equals(server);
                ok &= same;
                out.println(c.actor() + " matches the server: " + (same ? "yes" : "NO"));
            }
            Map<String, MaterializedObject> shared = new java.util.TreeMap<>(dev.syncmat.core.Utf8Order.COMPARATOR);
            server.forEach((id, o) -> {
                if (o.tags().contains("shared")) {
                    shared.put(id, o);
                }
            });
            boolean watcherSame = watcher.objects().equals(shared);
            ok &= watcherSame;
            out.println("watcher holds exactly the server's " + shared.size() + " object(s) tagged shared: "
                    + (watcherSame ? "yes" : "NO"));
            List<Op> reversed = new ArrayList<>(allOps);
            Collections.reverse(reversed);
            Materializer model = Materializer.create();
            model.applyAll(reversed);
            boolean modelSame = model.objects().size() == server.size() && model.objects().stream()
                    .allMatch(s -> MaterializedObject.of(s).equals(server.get(s.objectId())));
            ok &= modelSame;
            out.println("server equals an in-memory materialization of all " + allOps.size() + " ops in reverse order: "
                    + (modelSame ? "yes" : "NO"));
            out.flush();
            return ok;
        }
    }

    private Op edit(SyncClient c, int round) {
        String note = NOTES.get(random.nextInt(NOTES.size()));
        MaterializedObject seen = c.objects().get(note);
        Op op;
        if (seen != null && !seen.deleted() && random.nextInt(6) == 0) {
            op = c.delete(note, "note");
            out.println("  " + c.actor() + " (offline) deletes " + note + "   clock " + op.clock());
        } else {
            String text = WORDS.get(random.nextInt(WORDS.size())) + " and " + WORDS.get(random.nextInt(WORDS.size()));
            String payload = "{\"text\":\"" + text + "\",\"by\":\"" + c.actor() + "\",\"round\":" + round + "}";
            op = c.update(note, "note", payload, random.nextBoolean() ? List.of("shared") : List.of());
            out.println("  " + c.actor() + " (offline) " + (seen != null && seen.deleted() ? "restores " : "edits ") + note
                    + "   clock " + op.clock() + "   " + op.payload().json());
        }
        return op;
    }

    private static String describe(Map<String, String> outcomes) {
        if (outcomes.isEmpty()) {
            return "nothing";
        }
        StringBuilder sb = new StringBuilder();
        outcomes.forEach((id, outcome) -> sb.append(sb.length() == 0 ? "" : ", ").append(id).append(' ').append(outcome));
        return sb.toString();
    }

    private static String explain(ConflictRecord r) {
        ConflictReason reason = r.reason();
        if (reason.equals(ConflictReason.DELETE_WINS)) {
            return "a delete beats a concurrent edit";
        }
        if (reason.equals(ConflictReason.UPDATE_WINS)) {
            return "an edit beats a concurrent delete";
        }
        if (reason.equals(ConflictReason.PAYLOAD_ORDER)) {
            return "concurrent edits: the greater payload wins";
        }
        if (reason.equals(ConflictReason.OP_ID_ORDER)) {
            return "nothing else differs: the greater op id wins";
        }
        return "the policy's own reason " + reason.code();
    }

    /** Writes objects as JSON lines, for debugging a failed run. */
    static String dump(Map<String, MaterializedObject> objects) {
        StringBuilder sb = new StringBuilder();
        objects.values().forEach(o -> sb.append(SyncJson.create().writeObject(o)).append('\n'));
        return sb.toString();
    }
}
