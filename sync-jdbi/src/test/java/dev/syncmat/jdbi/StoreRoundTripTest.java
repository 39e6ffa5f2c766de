package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids, types, tags, actor ids and payloads come back exactly as sent, whatever characters they
 * hold: SQL metacharacters, LIKE wildcards, JDBI placeholders, quotes, backslashes, line breaks,
 * astral characters, combining marks, right-to-left text.
 */
class StoreRoundTripTest {
    /** A tenant id that is itself an injection attempt. */
    private static final String TENANT = "'; DROP TABLE sync_tenants; -- \uD83D\uDE00";

    static final List<String> NASTY = List.of(
            "'; DROP TABLE sync_journal; --",
            "'",
            "\"",
            "\\",
            "%",
            "_",
            "100% _done_",
            "a\nb",
            "line\r\nbreak\tand\u0001control\u001f",
            "emoji \uD83D\uDE00\uD83D\uDE80 astral \uD835\uDD37",
            "\u00dcn\u00efc\u00f8d\u00e9",
            "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
            "\u0645\u0631\u062d\u0628\u0627 \u200f\u202eevil",
            "\u00e9",
            "e\u0301",
            "Note",
            "note",
            " note ",
            "\uFEFFbom",
            "\uDBFF\uDFFF last code point",
            ":tenant ? $1 <s> /*scope*/ ${x}",
            "[\"json\",{\"like\":1}]");

    private static final List<Instant> TIMESTAMPS = List.of(Instant.parse("2026-11-24T10:00:00.123456789Z"),
            Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-07-20T20:17:40Z"));

    private static Payload payloadFor(String s, int i) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(s, s);
        node.put("i", i);
        node.putArray("list").add(s).add(new BigDecimal("12345678901234567890.123456789")).add(-0.0).addNull();
        node.putObject("nested").put("k" + s, true);
        return Payload.of(node);
    }

    private static List<Op> nastyOps() {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < NASTY.size(); i++) {
            String s = NASTY.get(i);
            ops.add(Op.builder().opId(s).objectId(s).objectType(s).kind(OpKind.UPDATE)
                    .clock(VectorClock.of(s, i + 1, "plain", 1)).payload(payloadFor(s, i))
                    .tags(List.of(s, "t-" + i)).timestamp(i % 4 == 3 ? null : TIMESTAMPS.get(i % 3)).build());
        }
        // Every other object ends as a tombstone whose type and tags are the next string.
        for (int i = 1; i < NASTY.size(); i += 2) {
            String s = NASTY.get(i);
            String next = NASTY.get((i + 1) % NASTY.size());
            ops.add(Op.builder().opId("del " + s).objectId(s).objectType(next).kind(OpKind.DELETE)
                    .clock(VectorClock.of(s, i + 1, "plain", 2)).tags(List.of(next)).build());
        }
        return ops;
    }

    @StoreTesting.OnBothDatabases
    void theTestDatabaseStoresUnicode(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        if (kind != TestDatabases.Kind.H2) {
            String encoding = f.db().jdbi().withHandle(h -> h.createQuery("SHOW server_encoding").mapTo(String.class).one());
            assertThat(encoding).isEqualTo("UTF8");
        }
        String stored = f.db().jdbi().withHandle(h -> h.createQuery("SELECT CAST(:v AS VARCHAR(100))")
                .bind("v", NASTY.get(9)).mapTo(String.class).one());
        assertThat(stored).isEqualTo(NASTY.get(9));
    }

    @StoreTesting.OnBothDatabases
    void everyFieldComesBackExactlyFromPullAndFind(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        List<Op> ops = nastyOps();
        assertThat(new HashSet<>(NASTY)).hasSize(NASTY.size());
        // Updates and deletes in separate pushes, so that the deletes load the stored objects by id.
        int updates = NASTY.size();
        PushResult created = f.store().push(TENANT, ops.subList(0, updates));
        assertThat(created.results()).extracting(OpResult::outcome).containsOnly(Outcome.APPLIED);
        PushResult deleted = f.store().push(TENANT, ops.subList(updates, ops.size()));
        assertThat(deleted.results()).extracting(OpResult::outcome).containsOnly(Outcome.APPLIED);

        Materializer want = StoreTesting.materialize(ops);
        Map<String, MaterializedObject> expected = StoreTesting.expected(want);
        assertThat(expected).hasSize(NASTY.size());
        StoreTesting.Pulled pulled = StoreTesting.pullAll(f.store(), TENANT, PullRequest.initial().withLimit(5));
        assertThat(pulled.byId()).isEqualTo(expected);
        // Each object takes its place in change order at its last change, so the objects that were
        // only updated (even positions) come first and the deleted ones (odd positions) after.
        List<String> changeOrder = new ArrayList<>();
        for (int i = 0; i < NASTY.size(); i += 2) {
            changeOrder.add(NASTY.get(i));
        }
        for (int i = 1; i < NASTY.size(); i += 2) {
            changeOrder.add(NASTY.get(i));
        }
        assertThat(pulled.ids()).containsExactlyElementsOf(changeOrder);

        for (int i = 0; i < NASTY.size(); i++) {
            String s = NASTY.get(i);
            MaterializedObject o = f.store().get(TENANT, s);
            assertThat(o).isEqualTo(expected.get(s));
            if (i % 2 == 0) {
                assertThat(o.winnerOpId()).isEqualTo(s);
                assertThat(o.objectType()).isEqualTo(s);
                assertThat(o.payload().json()).isEqualTo(payloadFor(s, i).json());
                assertThat(o.tags()).contains(s);
                assertThat(o.clock().toMap()).containsEntry(s, (long) i + 1);
            } else {
                assertThat(o.deleted()).isTrue();
                assertThat(o.objectType()).isEqualTo(NASTY.get((i + 1) % NASTY.size()));
            }
        }
        // Re-sending reads every op back from the journal and finds it identical.
        assertThat(f.store().push(TENANT, ops).results()).extracting(OpResult::outcome).containsOnly(Outcome.DUPLICATE);
        assertThat(f.db().count("sync_journal", TENANT)).isEqualTo(ops.size());
        assertThat(f.db().count("sync_tenants")).isEqualTo(1);
    }

    @StoreTesting.OnBothDatabases
    void scopesMatchNastyValuesExactlyAndWildcardsAreLiteral(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        List<Op> ops = nastyOps();
        f.store().push(TENANT, ops);
        Map<String, MaterializedObject> expected = StoreTesting.expected(StoreTesting.materialize(ops));
        for (int i = 0; i < NASTY.size(); i++) {
            String s = NASTY.get(i);
            assertThat(ids(f, Scope.ids(s))).as("ids [%s]", s).containsExactly(s);
            List<String> byTag = expected.values().stream().filter(o -> o.tags().contains(s))
                    .map(MaterializedObject::objectId).toList();
            List<String> byType = expected.values().stream().filter(o -> o.objectType().equals(s))
                    .map(MaterializedObject::objectId).toList();
            if (i % 2 == 0) {
                // The update at i and the tombstone before it (the last one, for i = 0) carry it.
                assertThat(byTag).hasSize(2);
                assertThat(byType).hasSize(2);
            }
            assertThat(ids(f, Scope.tags(s))).as("tags [%s]", s).containsExactlyInAnyOrderElementsOf(byTag);
            assertThat(ids(f, Scope.types(s))).as("types [%s]", s).containsExactlyInAnyOrderElementsOf(byType);
        }
        assertThat(ids(f, Scope.ids("%"))).containsExactly("%");
        assertThat(ids(f, Scope.ids("_"))).containsExactly("_");
        assertThat(ids(f, Scope.ids("NOTE", "e"))).isEmpty();
    }

    private static List<String> ids(StoreTesting.Fixture f, Scope scope) {
        return StoreTesting.pullAll(f.store(), TENANT, PullRequest.initial().withScope(scope)).ids();
    }

    @StoreTesting.OnBothDatabases
    void aPayloadWithU0000InsideAStringRoundTrips(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        Payload p = Payload.parse("{\"k\":\"a\\u0000b\",\"\\u0000\":\"\\u0000\"}");
        assertThat(p.json()).isEqualTo("{\"\\u0000\":\"\\u0000\",\"k\":\"a\\u0000b\"}");
        Op op = Op.update("nul", "doc", "note", VectorClock.of("c1", 1), p);
        f.store().push(TENANT, List.of(op));
        assertThat(f.store().get(TENANT, "doc").payload()).isEqualTo(p);
        assertThat(f.store().pull(TENANT, PullRequest.initial()).objects().get(0).payload().json()).isEqualTo(p.json());
        assertThat(f.store().push(TENANT, List.of(op)).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.DUPLICATE);
    }

    @StoreTesting.OnBothDatabases
    void aLosingHeadWithNastyContentComesBackExactlyWhenItWins(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        // b loses to a at first, so it is kept among the other heads; then c supersedes a alone
        // and b (whose payload outranks c's) becomes the winner, read back from the stored heads.
        Op a = Op.builder().opId("a").objectId("doc").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("x", 1)).payload(Payload.parse("{\"zzz\":1}")).build();
        Op b = Op.builder().opId(NASTY.get(0)).objectId("doc").objectType(NASTY.get(12)).kind(OpKind.UPDATE)
                .clock(VectorClock.of(NASTY.get(9), 1)).payload(Payload.parse("{\"\\u0000\\\\\":\"\\\"'; --\\n\uD83D\uDE00\"}"))
                .tags(List.of(NASTY.get(4), NASTY.get(8))).timestamp(TIMESTAMPS.get(0)).build();
        Op c = Op.update("c", "doc", "note", VectorClock.of("x", 2), Payload.parse("0"));
        List<Op> ops = List.of(a, b, c);
        for (Op op : ops) {
            f.store().push(TENANT, List.of(op));
        }
        MaterializedObject got = f.store().get(TENANT, "doc");
        assertThat(got).isEqualTo(StoreTesting.expected(StoreTesting.materialize(ops)).get("doc"));
        assertThat(got.winnerOpId()).isEqualTo(b.opId());
        assertThat(got.payload()).isEqualTo(b.payload());
        assertThat(got.objectType()).isEqualTo(b.objectType());
        assertThat(got.tags()).isEqualTo(b.tags());
        assertThat(got.heads()).isEqualTo(2);
        assertThat(got.context()).isEqualTo(VectorClock.of("x", 2, NASTY.get(9), 1));
        // A fourth op concurrent with both reads the stored heads once more.
        Op d = Op.update("d", "doc", "note", VectorClock.of("w", 1), Payload.parse("1"));
        assertThat(f.store().push(TENANT, List.of(d)).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.MERGED);
        assertThat(f.store().get(TENANT, "doc"))
                .isEqualTo(StoreTesting.expected(StoreTesting.materialize(List.of(a, b, c, d))).get("doc"));
        assertThat(f.db().count("sync_conflicts", TENANT)).as("one per merged op: b, c and d").isEqualTo(3);
    }
}
