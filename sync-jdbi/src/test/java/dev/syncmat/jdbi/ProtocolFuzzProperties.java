package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.CausalHistoryArbitraries;
import dev.syncmat.core.testing.JsonMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing the store through the wire protocol, on H2: mutated push and pull bodies go through
 * {@link SyncProtocol} into the store, and arbitrary or mutated cursors into a pull. Laws: the only
 * exception is an {@link InvalidInputException} (an {@link InvalidCursorException} for a cursor);
 * a push writes all its ops or none (every table's rows counted before and after), and what it
 * writes is what an in-memory {@link Materializer} computes from the same ops; a pull writes
 * nothing and returns only the tenant's own objects, as the model has them.
 *
 * <p>All tries share one database; each try works in a tenant of its own, next to a tenant that
 * holds data and must never change.
 */
class ProtocolFuzzProperties {
    private static final SyncProtocol PROTOCOL = SyncProtocol.create();
    private static final SyncJson JSON = SyncJson.create();
    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final String NEIGHBOUR = "neighbour";

    private static StoreTesting.Fixture fixture;
    private static Map<String, Long> neighbourRows;
    private static long neighbourHead;

    /** The shared database, with a neighbour tenant whose rows no try may change. */
    private static synchronized StoreTesting.Fixture fixture() {
        if (fixture == null) {
            fixture = StoreTesting.fresh(TestDatabases.Kind.H2);
            fixture.store().push(NEIGHBOUR, CausalHistories.defaults().replicas(3).objects(6).steps(120).generate(7).ops());
            neighbourRows = rowsOf(NEIGHBOUR);
            neighbourHead = Cursors.decode(fixture.store().headCursor(NEIGHBOUR), NEIGHBOUR).changeSeq();
        }
        return fixture;
    }

    /** The neighbour's head change number (it never changes after the fixture is made). */
    private static long neighbourHead() {
        fixture();
        return neighbourHead;
    }

    private static Map<String, Long> rowsOf(String tenant) {
        Map<String, Long> rows = new java.util.TreeMap<>();
        StoreTesting.TABLES.forEach(t -> rows.put(t, fixture.db().count(t, tenant)));
        return rows;
    }

    /** Runs {@code call}: returns its result, or null for an InvalidInputException; anything else fails. */
    private static <T> Attempt<T> attempt(Callable<T> call, Object input) {
        try {
            return new Attempt<>(call.call(), null);
        } catch (InvalidInputException e) {
            assertThat(e.field()).as("field of %s", e).isNotNull();
            assertThat(e.reason()).as("reason of %s", e).isNotBlank();
            return new Attempt<>(null, e);
        } catch (Throwable t) {
            throw new AssertionError("input " + input + " caused " + t.getClass().getName()
                    + " instead of an InvalidInputException", t);
        }
    }

    private record Attempt<T>(T value, InvalidInputException refused) {
        boolean ok() {
            return refused == null;
        }
    }

    /** A tenant with some of a history pushed, and the model of what it holds. */
    private record Tenant(String id, Materializer model, List<Op> pushed, List<Op> rest) {
    }

    private static Tenant tenantWith(CausalHistory history, int pushedCount) {
        String id = "fuzz-" + TENANTS.incrementAndGet();
        int k = Math.min(pushedCount, history.ops().size());
        List<Op> pushed = history.ops().subList(0, k);
        Materializer model = Materializer.create();
        if (!pushed.isEmpty()) {
            fixture().store().push(id, pushed);
            model.applyAll(pushed);
        }
        return new Tenant(id, model, pushed, history.ops().subList(k, history.ops().size()));
    }

    private static String pushBody(List<Op> ops) {
        StringBuilder sb = new StringBuilder("{\"ops\":[");
        for (int i = 0; i < ops.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(JSON.writeOp(ops.get(i)));
        }
        return sb.append("]}").toString();
    }

    @Provide
    Arbitrary<CausalHistory> histories() {
        return CausalHistoryArbitraries.histories(CausalHistories.defaults().steps(1, 40)).filter(h -> h.ops().size() >= 2);
    }

    /**
     * A push body of new and already pushed ops with up to three mutations: refused as invalid
     * input with nothing written, or accepted with exactly the model's outcomes and objects.
     */
    @Property(tries = 200)
    void aMutatedPushBodyWritesAllOrNothing(@ForAll("histories") CausalHistory history, @ForAll Random random,
                                            @ForAll @IntRange(min = 0, max = 3) int mutations) {
        StoreTesting.Fixture f = fixture();
        Tenant t = tenantWith(history, random.nextInt(history.ops().size()));
        List<Op> batch = new ArrayList<>(t.rest());
        if (!t.pushed().isEmpty()) {
            batch.addAll(t.pushed().subList(0, 1 + random.nextInt(t.pushed().size())));
        }
        if (!t.pushed().isEmpty() && random.nextInt(3) == 0) {
            // An op id already journaled, with other content: the whole batch must be refused.
            Op original = t.pushed().get(random.nextInt(t.pushed().size()));
            batch.add(original.toBuilder().clock(original.clock().increment("intruder")).build());
        }
        Collections.shuffle(batch, random);
        JsonMutations.Mutant body = JsonMutations.mutate(pushBody(batch), mutations, random);

        Map<String, Long> before = f.counts();
        Attempt<List<Op>> read = attempt(() -> PROTOCOL.readPushRequest(body.text()), body);
        Attempt<PushResult> pushed = read.ok() ? attempt(() -> f.store().push(t.id(), read.value()), body) : null;
        Statistics.label("push body").collect(!read.ok() ? "refused when read" : pushed.ok() ? "pushed" : "refused by the store");
        Statistics.label("push body").coverage(c -> {
            c.check("pushed").percentage(p -> p >= 10);
            c.check("refused when read").percentage(p -> p >= 20);
            c.check("refused by the store").count(n -> n >= 5);
        });

        if (pushed == null || !pushed.ok()) {
            assertThat(f.counts()).as("rows after a refused push of %s", body).isEqualTo(before);
            if (pushed != null) {
                // The store refuses what the model refuses: an op id reused with other content.
                assertThat(pushed.refused()).isInstanceOf(OpIdReusedException.class);
                assertThat(catchingModel(t.model(), read.value())).isInstanceOf(OpIdReusedException.class);
            }
        } else {
            List<ApplyResult> expected = t.model().applyAll(read.value());
            assertThat(pushed.value().results()).extracting(OpResult::outcome)
                    .isEqualTo(expected.stream().map(ApplyResult::outcome).toList());
            long journaled = expected.stream().filter(r -> r.outcome() != Outcome.DUPLICATE).count();
            assertThat(f.db().count("sync_journal", t.id())).isEqualTo(t.pushed().size() + journaled);
            assertThat(StoreTesting.pullAll(f.store(), t.id(), PullRequest.initial().withLimit(50)).byId())
                    .isEqualTo(StoreTesting.expected(t.model()));
        }
        assertThat(rowsOf(NEIGHBOUR)).as("the neighbour's rows").isEqualTo(neighbourRows);
    }

    private static Throwable catchingModel(Materializer model, List<Op> ops) {
        try {
            model.applyAll(ops);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * A pull body (cursor of this tenant, of another tenant, or garbage; a scope; a limit) with up
     * to three mutations: refused as invalid input, or a page of this tenant's objects as the
     * model has them, matching the scope. Nothing is written either way.
     */
    @Property(tries = 300)
    void aMutatedPullBodyIsRefusedOrAnswersFromTheTenantsOwnObjects(@ForAll("histories") CausalHistory history,
                                                                    @ForAll Random random,
                                                                    @ForAll @IntRange(min = 0, max = 3) int mutations) {
        StoreTesting.Fixture f = fixture();
        Tenant t = tenantWith(history, history.ops().size());
        String cursor = switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> f.store().headCursor(t.id());
            case 2 -> StoreTesting.withSeq(f.store().headCursor(t.id()),
                    random.nextInt(1 + (int) Cursors.decode(f.store().headCursor(t.id()), t.id()).changeSeq()));
            case 3 -> f.store().headCursor(NEIGHBOUR);
            default -> garbageCursor(random);
        };
        List<String> types = pickSome(random, "task", "note", "none");
        List<String> ids = pickSome(random, CausalHistories.objectId(0), CausalHistories.objectId(1),
                CausalHistories.objectId(2), "obj-9");
        List<String> tags = pickSome(random, "inbox", "work", "stra\u00dfe");
        String body = "{\"sinceCursor\":" + (cursor == null ? "null" : quote(cursor)) + ",\"scope\":{\"types\":" + list(types)
                + ",\"ids\":" + list(ids) + ",\"tags\":" + list(tags) + "},\"limit\":" + (1 + random.nextInt(20)) + "}";
        JsonMutations.Mutant mutant = JsonMutations.mutate(body, mutations, random);

        Map<String, Long> before = f.counts();
        Attempt<PullRequest> read = attempt(() -> PROTOCOL.readPullRequest(mutant.text()), mutant);
        Attempt<PullResponse> pulled = read.ok() ? attempt(() -> f.store().pull(t.id(), read.value()), mutant) : null;
        Statistics.label("pull body").collect(!read.ok() ? "refused when read"
                : pulled.ok() ? "answered" : "refused by the store: " + pulled.refused().field());
        Statistics.label("pull body").coverage(c -> {
            c.check("answered").percentage(p -> p >= 8);
            c.check("refused when read").percentage(p -> p >= 20);
            c.check("refused by the store: sinceCursor").count(n -> n >= 10);
        });
        assertThat(f.counts()).as("rows after a pull").isEqualTo(before);
        if (pulled != null && pulled.ok()) {
            PullRequest request = read.value();
            Map<String, MaterializedObject> model = StoreTesting.expected(t.model());
            List<MaterializedObject> page = pulled.value().objects();
            assertThat(page.size()).isLessThanOrEqualTo(request.limit() == null ? 500 : request.limit());
            for (MaterializedObject o : StoreTesting.byId(page).values()) {
                assertThat(o).as("pulled object").isEqualTo(model.get(o.objectId()));
                Scope s = request.scope();
                assertThat(s.types().isEmpty() || s.types().contains(o.objectType())).isTrue();
                assertThat(s.ids().isEmpty() || s.ids().contains(o.objectId())).isTrue();
                assertThat(s.tags().isEmpty() || o.tags().stream().anyMatch(s.tags()::contains)).isTrue();
            }
            assertThat(Cursors.decode(pulled.value().serverCursor(), t.id()).changeSeq()).isGreaterThanOrEqualTo(0);
        }
    }

    /**
     * Any cursor (issued, another tenant's, changed byte by byte, re-encoded, base64 of garbage,
     * arbitrary text) gives a page or an {@link InvalidCursorException}, never anything else; a
     * cursor accepted for a tenant decodes to a change of that tenant at or below its head and
     * gives the same page as the cursor the store itself would issue for that change.
     */
    @Property(tries = 500)
    void anyCursorGivesAPageOrAnInvalidCursorError(@ForAll("cursors") CursorCase c) {
        StoreTesting.Fixture f = fixture();
        long head = neighbourHead();
        assertThat(Cursors.decode(f.store().headCursor(NEIGHBOUR), NEIGHBOUR).changeSeq()).isEqualTo(head);
        PullRequest request = PullRequest.since(c.cursor()).withLimit(7);
        Attempt<PullResponse> pulled = attempt(() -> f.store().pull(NEIGHBOUR, request), c);
        if (pulled.ok()) {
            Statistics.label("cursor").collect(c.kind() + ": accepted");
            long seq = Cursors.decode(c.cursor(), NEIGHBOUR).changeSeq();
            assertThat(seq).isBetween(0L, head);
            String reissued = StoreTesting.withSeq(f.store().headCursor(NEIGHBOUR), seq);
            assertThat(pulled.value()).isEqualTo(f.store().pull(NEIGHBOUR, request.withCursor(reissued)));
        } else {
            assertThat(pulled.refused()).as("refusal of %s", c).isInstanceOf(InvalidCursorException.class);
            InvalidCursorException e = (InvalidCursorException) pulled.refused();
            Statistics.label("cursor").collect(c.kind() + ": " + e.problem());
            assertThat(e.getMessage()).as("message is bounded").hasSizeLessThan(250);
            if (c.kind().equals("other tenant's")) {
                assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.OTHER_TENANT);
            }
        }
        Statistics.label("cursor").coverage(k -> {
            k.check("issued: accepted").count(n -> n >= 10);
            k.check("other tenant's: OTHER_TENANT").count(n -> n >= 10);
            k.checkPattern(".*EXPIRED").count(n -> n >= 10);
            k.checkPattern(".*MALFORMED").count(n -> n >= 50);
            k.checkPattern("changed bytes: .*").count(n -> n >= 20);
        });
    }

    /** A cursor to try, and how it was made. */
    record CursorCase(String kind, String cursor) {
        @Override
        public String toString() {
            return kind + " \"" + (cursor.length() <= 80 ? cursor : cursor.substring(0, 80) + "...") + "\"";
        }
    }

    @Provide
    Arbitrary<CursorCase> cursors() {
        return Arbitraries.randoms().map(random -> {
            long head = neighbourHead();
            String headCursor = fixture().store().headCursor(NEIGHBOUR);
            String issued = StoreTesting.withSeq(headCursor, random.nextInt((int) head + 1));
            return switch (random.nextInt(7)) {
                case 0 -> new CursorCase("issued", issued);
                case 1 -> new CursorCase("other tenant's", Cursors.encode(pick(random, List.of("fuzz-1", "Neighbour",
                        "neighbour ", "neighbou", "n\u00e9ighbour", "")), Counters.NONE, random.nextInt((int) head + 1)));
                case 2 -> new CursorCase("changed bytes", changeBytes(issued, random));
                case 3 -> new CursorCase("re-encoded", reencode(issued, random));
                case 4 -> new CursorCase("garbage", garbageCursor(random));
                case 5 -> new CursorCase("changed chars", JsonMutations.mutate(issued, 1 + random.nextInt(2), random).text());
                default -> new CursorCase("beyond the head", StoreTesting.withSeq(headCursor, head + 1 + random.nextInt(1000)));
            };
        });
    }

    private static String changeBytes(String cursor, Random random) {
        byte[] b = Base64.getUrlDecoder().decode(cursor);
        switch (random.nextInt(5)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> b = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
            default -> ByteBuffer.wrap(b).putLong(1, random.nextBoolean() ? -1 - random.nextInt(5) : Long.MAX_VALUE - random.nextInt(5));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String reencode(String cursor, Random random) {
        byte[] b = Base64.getUrlDecoder().decode(cursor);
        return switch (random.nextInt(4)) {
            case 0 -> Base64.getUrlEncoder().encodeToString(b);
            case 1 -> Base64.getEncoder().encodeToString(b);
            case 2 -> Base64.getMimeEncoder().encodeToString(b) + "\r\n";
            default -> " " + cursor + " ";
        };
    }

    private static String garbageCursor(Random random) {
        byte[] b = new byte[random.nextInt(40)];
        random.nextBytes(b);
        return switch (random.nextInt(4)) {
            case 0 -> Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            case 1 -> Base64.getEncoder().encodeToString(b);
            case 2 -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            default -> pick(random, List.of("", "=", "AQ", "null", "\u0000", "\ud800", "x".repeat(10_000), "%2F", "../"));
        };
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static List<String> pickSome(Random random, String... values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (random.nextInt(4) == 0) {
                out.add(v);
            }
        }
        return out;
    }

    private static String quote(String s) {
        return SyncJson.write(g -> g.writeString(s));
    }

    private static String list(List<String> values) {
        return SyncJson.write(g -> {
            g.writeStartArray();
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        });
    }
}
