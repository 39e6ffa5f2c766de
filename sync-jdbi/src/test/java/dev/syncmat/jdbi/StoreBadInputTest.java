package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every bad input of SPEC section 5 that reaches the store is refused with a typed error naming
 * the field, and nothing is written: the row counts of every table stay as they were.
 */
class StoreBadInputTest {
    private static final String T = "tenant-1";
    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two UTF-16 units
    private static final int MIB = 1024 * 1024;

    /** A store holding a few objects in two tenants, so that "unchanged" is not just "empty". */
    private static StoreTesting.Fixture withData(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = StoreTesting.fresh(kind);
        f.store().push(T, List.of(
                update("x", "doc-1", "note", VectorClock.of("c1", 1), "{\"v\":1}", "inbox"),
                update("y", "doc-1", "note", VectorClock.of("c2", 1), "{\"v\":2}", "work"),
                update("z", "doc-2", "task", VectorClock.of("c1", 1), "\"z\"")));
        f.store().push("tenant-2", List.of(update("x", "doc-1", "note", VectorClock.of("c1", 1), "3")));
        assertThat(f.db().count("sync_conflicts")).isEqualTo(1);
        return f;
    }

    /** Runs {@code call}, which must throw {@code type}, and checks that no table changed. */
    private static <E extends InvalidInputException> E rejected(StoreTesting.Fixture f, Class<E> type, String field,
                                                                ThrowingCallable call) {
        Map<String, Long> before = f.counts();
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isExactlyInstanceOf(type);
        E e = type.cast(thrown);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).isNotBlank();
        assertThat(e.getMessage()).contains(e.reason());
        assertThat(f.counts()).as("row counts after the rejected call").isEqualTo(before);
        return e;
    }

    private static Op good(String opId, String objectId) {
        return update(opId, objectId, "note", VectorClock.of("c3", 1), "{\"fresh\":true}", "new-tag");
    }

    private static Op.Builder base(String opId) {
        return Op.builder().opId(opId).objectId("obj").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("c1", 1)).payload(Payload.parse("1"));
    }

    /** A JSON string whose canonical form is exactly {@code bytes} UTF-8 bytes long. */
    private static Payload payloadOfBytes(int bytes) {
        Payload p = Payload.parse("\"" + "a".repeat(bytes - 2) + "\"");
        assertThat(p.utf8Length()).isEqualTo(bytes);
        return p;
    }

    private static VectorClock clockOfActors(int n) {
        Map<String, Long> entries = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            entries.put("actor-" + i, 1L);
        }
        return VectorClock.of(entries);
    }

    private static List<String> tagsOf(int n) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tags.add("tag-" + i);
        }
        return tags;
    }

    /** One op over a limit: the builder accepts it (limits are the store's business). */
    record OverLimit(String name, UnaryOperator<Op.Builder> change, String field, List<String> fragments) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> overLimits() {
        List<OverLimit> cases = List.of(
                new OverLimit("opId of 256 code points", b -> b.opId(EMOJI.repeat(256)), "opId",
                        List.of("opId", "at most 255", "had 256")),
                new OverLimit("objectId of 256 code points", b -> b.objectId("o".repeat(256)), "objectId",
                        List.of("objectId", "at most 255", "had 256")),
                new OverLimit("objectType of 256 code points", b -> b.objectType("\u00fc".repeat(256)), "objectType",
                        List.of("objectType", "at most 255", "had 256")),
                new OverLimit("clock actor of 256 code points", b -> b.clock(VectorClock.of("a".repeat(256), 1)), "clock",
                        List.of("actor", "at most 255", "had 256")),
                new OverLimit("1,001 clock actors", b -> b.clock(clockOfActors(1001)), "clock",
                        List.of("clock", "at most 1000", "had 1001")),
                new OverLimit("65 tags", b -> b.tags(tagsOf(65)), "tags", List.of("tags", "at most 64", "had 65")),
                new OverLimit("tag of 129 code points", b -> b.tags(List.of("ok", EMOJI.repeat(129))), "tags",
                        List.of("tag", "at most 128", "had 129")),
                new OverLimit("payload of 1 MiB + 1 byte", b -> b.payload(payloadOfBytes(MIB + 1)), "payload",
                        List.of("payload", "at most " + MIB, "was " + (MIB + 1))));
        return TestDatabases.kinds().flatMap(kind -> cases.stream().map(c -> Arguments.of(kind, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("overLimits")
    void anOpOverALimitRejectsItsWholeBatch(TestDatabases.Kind kind, OverLimit c) {
        StoreTesting.Fixture f = withData(kind);
        Op bad = c.change().apply(base("bad")).build();
        List<Op> batch = List.of(good("g1", "new-1"), good("g2", "new-2"), bad);
        InvalidOpException e = rejected(f, InvalidOpException.class, c.field(), () -> f.store().push(T, batch));
        for (String fragment : c.fragments()) {
            assertThat(e.getMessage()).contains(fragment);
        }
        // Same inside the caller's transaction: nothing of the batch arrives.
        rejected(f, InvalidOpException.class, c.field(), () -> f.db().jdbi().useTransaction(h -> f.store().push(h, T, batch)));
        assertThat(f.store().find(T, "new-1")).isEmpty();
        assertThat(f.store().find(T, "obj")).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void opsAtEveryLimitAreAccepted(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        Op atLimits = Op.builder().opId(EMOJI.repeat(255)).objectId("o".repeat(254) + EMOJI)
                .objectType("\u00fc".repeat(255)).kind(OpKind.UPDATE)
                .clock(VectorClock.of(EMOJI.repeat(255), 1)).payload(payloadOfBytes(MIB))
                .tags(List.of(EMOJI.repeat(128), "x")).build();
        Op manyTags = base("many-tags").objectId("many-tags").tags(tagsOf(64)).build();
        Op manyActors = base("many-actors").objectId("many-actors").clock(clockOfActors(1000)).build();
        PushResult r = f.store().push(T, List.of(atLimits, manyTags, manyActors));
        assertThat(r.results()).extracting(OpResult::outcome).containsOnly(Outcome.APPLIED);

        MaterializedObject o = f.store().get(T, atLimits.objectId());
        assertThat(o.payload()).isEqualTo(atLimits.payload());
        assertThat(o.winnerOpId()).isEqualTo(atLimits.opId());
        assertThat(o.objectType()).isEqualTo(atLimits.objectType());
        assertThat(o.clock()).isEqualTo(atLimits.clock());
        assertThat(o.tags()).isEqualTo(atLimits.tags());
        assertThat(f.store().get(T, "many-tags").tags()).hasSize(64);
        // The op keeps its 1,000 actors; the served context names the alias the push made for them.
        assertThat(f.store().get(T, "many-actors").clock().size()).isEqualTo(1000);
        assertThat(f.store().get(T, "many-actors").context()).isEqualTo(VectorClock.of(ContextAliases.ACTOR, 1));
        // Re-sending them reads every field back from the journal and finds them identical.
        assertThat(f.store().push(T, List.of(atLimits, manyTags, manyActors)).results()).extracting(OpResult::outcome)
                .containsOnly(Outcome.DUPLICATE);
    }

    @StoreTesting.OnBothDatabases
    void morePushedOpsThanTheLimitAreRejectedAndTheLimitItselfIsAccepted(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            ops.add(good("g" + i, "new-" + i));
        }
        InvalidInputException e = rejected(f, InvalidInputException.class, "ops", () -> f.store().push(T, ops));
        assertThat(e.getMessage()).contains("at most 1000").contains("had 1001");
        assertThat(f.store().push(T, ops.subList(0, 1000)).results()).hasSize(1000);
        assertThat(f.db().count("sync_journal", T)).isEqualTo(1003);
    }

    @StoreTesting.OnBothDatabases
    void anOpIdReusedWithinABatchRejectsTheBatch(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        Op first = good("dup", "new-3");
        Op other = first.toBuilder().payload(Payload.parse("{\"fresh\":false}")).build();
        List<Op> batch = List.of(good("g1", "new-1"), good("g2", "new-2"), first, good("g4", "new-4"), other);
        OpIdReusedException e = rejected(f, OpIdReusedException.class, "opId", () -> f.store().push(T, batch));
        assertThat(e.opId()).isEqualTo("dup");
        assertThat(e.getMessage()).contains("\"dup\"").contains("other content");
        assertThat(f.store().find(T, "new-1")).isEmpty();
        assertThat(f.store().find(T, "new-3")).isEmpty();
    }

    static Stream<Arguments> reuses() {
        Op stored = update("x", "doc-1", "note", VectorClock.of("c1", 1), "{\"v\":1}", "inbox");
        Map<String, Op> variants = new TreeMap<>();
        variants.put("other payload", stored.toBuilder().payload(Payload.parse("{\"v\":2}")).build());
        variants.put("other clock", stored.toBuilder().clock(VectorClock.of("c1", 2)).build());
        variants.put("other object", stored.toBuilder().objectId("doc-2").build());
        variants.put("other type", stored.toBuilder().objectType("task").build());
        variants.put("other tags", stored.toBuilder().tags(List.of("inbox", "work")).build());
        variants.put("no tags", stored.toBuilder().tags(List.of()).build());
        variants.put("other timestamp", stored.toBuilder().timestamp(Instant.parse("2026-11-24T10:00:00.000000001Z")).build());
        variants.put("a delete", stored.toBuilder().kind(OpKind.DELETE).payload(null).build());
        return TestDatabases.kinds().flatMap(kind -> variants.entrySet().stream()
                .map(v -> Arguments.of(kind, v.getKey(), v.getValue())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("reuses")
    void anOpIdReusedAcrossBatchesRejectsTheLaterBatch(TestDatabases.Kind kind, String name, Op reuse) {
        StoreTesting.Fixture f = withData(kind);
        List<Op> batch = List.of(good("g1", "new-1"), reuse, good("g2", "new-2"));
        OpIdReusedException e = rejected(f, OpIdReusedException.class, "opId", () -> f.store().push(T, batch));
        assertThat(e.opId()).isEqualTo("x");
        assertThat(f.store().get(T, "doc-1").heads()).isEqualTo(2);
        // The same op id is free in a tenant that never used it.
        assertThat(f.store().push("tenant-3", List.of(reuse)).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.APPLIED);
    }

    /**
     * A batch with two faults, an op id reused across batches after an op naming an alias its
     * object lacks, gets the same error on every database and whatever else is pushed with it: the
     * reused op id, which the store checks first. (PostgreSQL's optimistic push used to report the
     * alias alone, and the lookup path the reuse, so a grouped push could differ from the same
     * push alone.)
     */
    @StoreTesting.OnBothDatabases
    void aReusedOpIdIsReportedBeforeAnAliasItsObjectLacks(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        Op badAlias = good("g1", "doc-2").toBuilder().clock(VectorClock.of("c3", 1, ContextAliases.ACTOR, 3)).build();
        Op reuse = update("x", "doc-1", "note", VectorClock.of("c1", 1), "{\"v\":9}", "inbox");
        OpIdReusedException e = rejected(f, OpIdReusedException.class, "opId",
                () -> f.store().push(T, List.of(badAlias, good("g2", "new-2"), reuse)));
        assertThat(e.opId()).isEqualTo("x");
        // Without the reuse, the alias is what is refused.
        InvalidOpException alias = rejected(f, InvalidOpException.class, "clock",
                () -> f.store().push(T, List.of(badAlias, good("g2", "new-2"))));
        assertThat(alias.getMessage()).contains("has no aliases");
    }

    @StoreTesting.OnBothDatabases
    void theSameOpWrittenDifferentlyIsADuplicateNotAReuse(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        Op a = Op.builder().opId("same").objectId("o").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("c1", 1, "c2", 2)).payload(Payload.parse("{\"a\":1,\"b\":[1.50,\"\\u00e9\"]}"))
                .tags(List.of("b", "a", "b")).timestamp(Instant.parse("2026-11-24T10:00:00.123456789Z")).build();
        Op b = Op.builder().opId("same").objectId("o").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("c2", 2, "c1", 1)).payload(Payload.parse("{ \"b\" : [1.5, \"\u00e9\"], \"a\" : 1.0 }"))
                .tags(List.of("a", "b")).timestamp(Instant.parse("2026-11-24T10:00:00.123456789Z")).build();
        assertThat(f.store().push(T, List.of(a)).results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED);
        assertThat(f.store().push(T, List.of(b, a)).results()).extracting(OpResult::outcome)
                .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE);
    }

    static Stream<Arguments> badTenants() {
        List<String> tenants = new ArrayList<>(List.of("", "a\u0000b", "bad\uD800", EMOJI.repeat(256), "t".repeat(256)));
        tenants.add(null);
        return TestDatabases.kinds().flatMap(kind -> tenants.stream().map(t -> Arguments.of(kind,
                t == null ? "null" : t.length() > 20 ? t.length() + " chars" : "\"" + t + "\"", t)));
    }

    @ParameterizedTest(name = "{0}: tenant {1}")
    @MethodSource("badTenants")
    void aBadTenantIdIsRejectedEverywhere(TestDatabases.Kind kind, String name, String tenant) {
        StoreTesting.Fixture f = withData(kind);
        List<Op> ops = List.of(good("g1", "new-1"));
        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> f.store().push(tenant, ops),
                () -> f.db().jdbi().useHandle(h -> f.store().push(h, tenant, ops)),
                () -> f.store().pull(tenant, PullRequest.initial()),
                () -> f.store().find(tenant, "doc-1"),
                () -> f.store().headCursor(tenant))) {
            InvalidInputException e = rejected(f, InvalidInputException.class, "tenantId", call);
            assertThat(e.getMessage()).startsWith("tenantId");
        }
    }

    @StoreTesting.OnBothDatabases
    void anObjectIdThatCannotBeStoredIsRejectedByEveryRead(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        // Such an id can never have been written (pushes refuse it); PostgreSQL cannot even compare
        // text with U+0000, so the reads must refuse it before asking the database.
        for (String id : List.of("doc\u00001", "\u0000", "doc-1\uD800", "\uDC00")) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(
                    () -> f.store().find(T, id),
                    () -> f.store().get(T, id),
                    () -> f.store().history(T, id),
                    () -> f.store().conflicts(T, ConflictQuery.object(id)))) {
                InvalidInputException e = rejected(f, InvalidInputException.class, "objectId", call);
                assertThat(e.getMessage()).startsWith("objectId");
            }
        }
        assertThat(f.store().find(T, "doc-1")).isPresent();
        assertThat(f.store().conflicts(T, ConflictQuery.object("doc-1"))).hasSize(1);
    }

    @StoreTesting.OnBothDatabases
    void aTenantIdOf255CodePointsIsFine(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        String tenant = EMOJI.repeat(255);
        f.store().push(tenant, List.of(good("g1", "new-1")));
        assertThat(f.store().pull(tenant, PullRequest.initial()).objects()).extracting(MaterializedObject::objectId)
                .containsExactly("new-1");
        assertThat(f.db().count("sync_journal", tenant)).isEqualTo(1);
    }

    @StoreTesting.OnBothDatabases
    void aPageSizeOutside1To1000IsRejected(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        for (int limit : new int[] {0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            InvalidInputException e = rejected(f, InvalidInputException.class, "limit",
                    () -> f.store().pull(T, PullRequest.initial().withLimit(limit)));
            assertThat(e.getMessage()).contains("limit").contains("1000").contains("was " + limit);
        }
        assertThat(f.store().pull(T, PullRequest.initial().withLimit(1)).objects()).hasSize(1);
        assertThat(f.store().pull(T, PullRequest.initial().withLimit(1000)).objects()).hasSize(2);
    }

    @StoreTesting.OnBothDatabases
    void aBadScopeIsRejected(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        List<String> tooMany = Collections.nCopies(1001, "v");
        Map<String, Scope> cases = new TreeMap<>();
        cases.put("scope.types", new Scope(List.of("note", ""), null, null));
        cases.put("scope.ids", new Scope(null, List.of("doc-1", "a\u0000"), null));
        cases.put("scope.tags", new Scope(null, null, List.of("\uDC00")));
        cases.forEach((field, scope) -> rejected(f, InvalidInputException.class, field,
                () -> f.store().pull(T, PullRequest.initial().withScope(scope))));
        for (Scope scope : List.of(new Scope(tooMany, null, null), new Scope(null, tooMany, null), new Scope(null, null, tooMany))) {
            InvalidInputException e = rejected(f, InvalidInputException.class,
                    scope.types().size() > 0 ? "scope.types" : scope.ids().size() > 0 ? "scope.ids" : "scope.tags",
                    () -> f.store().pull(T, PullRequest.initial().withScope(scope)));
            assertThat(e.getMessage()).contains("at most 1000").contains("1001");
        }
        List<String> thousand = Collections.nCopies(1000, "doc-1");
        assertThat(f.store().pull(T, PullRequest.initial().withScope(new Scope(null, thousand, null))).objects())
                .extracting(MaterializedObject::objectId).containsExactly("doc-1");
    }

    private static String tamper(String cursor, UnaryOperator<byte[]> change) {
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(change.apply(bytes.clone()));
    }

    private static InvalidCursorException badCursor(StoreTesting.Fixture f, String tenant, String cursor,
                                                    InvalidCursorException.Problem problem) {
        InvalidCursorException e = rejected(f, InvalidCursorException.class, "sinceCursor",
                () -> f.store().pull(tenant, PullRequest.since(cursor).withLimit(5)));
        assertThat(e.problem()).as("problem with cursor \"%s\"", cursor).isEqualTo(problem);
        assertThat(e.code()).isEqualTo(problem == InvalidCursorException.Problem.EXPIRED ? "cursor_expired" : "invalid_cursor");
        assertThat(e.getMessage()).contains("sinceCursor");
        return e;
    }

    @StoreTesting.OnBothDatabases
    void malformedCursorsAreRejected(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        String good = f.store().pull(T, PullRequest.initial()).serverCursor();
        List<String> malformed = List.of("", "not a cursor", "AAAA", "'; DROP TABLE sync_journal; --",
                good.substring(1), good + "A", "+" + good.substring(1),
                "\u00e9" + good.substring(1), "x".repeat(10_000),
                tamper(good, b -> {
                    b[0] = 3;
                    return b;
                }),
                tamper(good, b -> {
                    b[1] = (byte) 0x80;
                    return b;
                }));
        for (String cursor : malformed) {
            InvalidCursorException e = badCursor(f, T, cursor, InvalidCursorException.Problem.MALFORMED);
            assertThat(e.getMessage()).as("message is bounded").hasSizeLessThan(200);
        }
    }

    @StoreTesting.OnBothDatabases
    void aCursorOfAnotherTenantIsRejected(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        String ofOther = f.store().pull("tenant-2", PullRequest.initial()).serverCursor();
        InvalidCursorException e = badCursor(f, T, ofOther, InvalidCursorException.Problem.OTHER_TENANT);
        assertThat(e.getMessage()).contains("another tenant");
        String mine = f.store().headCursor(T);
        // The tenant's fingerprint is the last 8 of the cursor's 41 bytes.
        badCursor(f, T, tamper(mine, b -> {
            b[40] ^= 1;
            return b;
        }), InvalidCursorException.Problem.OTHER_TENANT);
        badCursor(f, "never-pushed", mine, InvalidCursorException.Problem.OTHER_TENANT);
    }

    @StoreTesting.OnBothDatabases
    void aCursorAheadOfTheHeadHasExpired(TestDatabases.Kind kind) {
        StoreTesting.Fixture f = withData(kind);
        // A push that is rolled back hands out a cursor the tenant never reaches, as a restore from
        // an older backup would.
        String[] fromRolledBack = new String[1];
        catchThrowable(() -> f.db().jdbi().useTransaction(h -> {
            fromRolledBack[0] = f.store().push(h, T, List.of(good("g1", "new-1"), good("g2", "new-2"))).serverCursor();
            throw new IllegalStateException("roll back");
        }));
        assertThat(fromRolledBack[0]).isNotNull();
        InvalidCursorException e = badCursor(f, T, fromRolledBack[0], InvalidCursorException.Problem.EXPIRED);
        assertThat(e.getMessage()).contains("restored to an earlier point").contains("pull from null");
        assertThat(e.code()).isEqualTo("cursor_expired");

        String head = f.store().headCursor(T);
        badCursor(f, T, tamper(head, b -> {
            b[8] += 1;
            return b;
        }), InvalidCursorException.Problem.EXPIRED);
        badCursor(f, T, tamper(head, b -> {
            b[1] = 0x7f;
            return b;
        }), InvalidCursorException.Problem.EXPIRED);
        // The head itself is fine, and so is the start of a tenant without changes.
        assertThat(f.store().pull(T, PullRequest.since(head)).objects()).isEmpty();
        String empty = f.store().headCursor("never-pushed");
        assertThat(f.store().pull("never-pushed", PullRequest.since(empty)).objects()).isEmpty();
        badCursor(f, "never-pushed", tamper(empty, b -> {
            b[8] = 1;
            return b;
        }), InvalidCursorException.Problem.EXPIRED);
    }
}
