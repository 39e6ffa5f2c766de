package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.Scope;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.ReplayReport;
import dev.syncmat.core.protocol.InvalidCursorException;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ApplyResult;
import dev.syncmat.core.merge.Conflict;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

import static dev.syncmat.jdbi.StoreTesting.delete;
import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every public read and write path of the store, called for one tenant with the other tenant's
 * object ids, op ids and cursors, returns only the caller's own data and changes only the
 * caller's rows. Complements {@link StoreTenantIsolationTest} (same ids in two tenants, scoped
 * pulls, a cursor of one tenant in a pull of another) with history, conflicts by object and by
 * time, conflict counts, head cursors, every kind of cursor, replay verify and rebuild, and pushes
 * to two tenants in one caller transaction. The rows of the tenant not addressed are compared
 * before and after, row by row.
 */
class TenantIsolationPathsTest {
    private static final String A = "tenant-a";
    private static final String B = "tenant-b";
    /** Tenant A's pushes are received in the hour after this instant, B's in the hour after {@link #B_TIME}. */
    private static final Instant A_TIME = Instant.parse("2026-11-25T08:00:00Z");
    private static final Instant B_TIME = Instant.parse("2026-11-25T12:00:00Z");

    /** What one tenant was sent, and what the store must hold for it. */
    private static final class Expected {
        final String tenant;
        final List<Op> ops = new ArrayList<>();
        final Materializer model = Materializer.create();
        final List<ConflictRecord> conflicts = new ArrayList<>();
        final Map<String, List<Long>> journalSeqs = new TreeMap<>(Utf8Order.COMPARATOR);
        long journalSeq;

        Expected(String tenant) {
            this.tenant = tenant;
        }

        void pushed(List<Op> batch, Instant at) {
            for (ApplyResult r : model.applyAll(batch)) {
                if (r.outcome() == Outcome.DUPLICATE) {
                    continue;
                }
                journalSeq++;
                ops.add(r.op());
                journalSeqs.computeIfAbsent(r.op().objectId(), k -> new ArrayList<>()).add(journalSeq);
                List<ConflictRecord> group = new ArrayList<>();
                for (Conflict c : r.conflicts()) {
                    group.add(new ConflictRecord(journalSeq, c.objectId(), r.state().objectType(), c.winnerOpId(),
                            c.loserOpId(), c.reason(), at, c.metHeads()));
                }
                group.sort(Comparator.comparing(ConflictRecord::winnerOpId, Utf8Order.COMPARATOR)
                        .thenComparing(ConflictRecord::loserOpId, Utf8Order.COMPARATOR));
                conflicts.addAll(group);
            }
        }

        Map<String, MaterializedObject> objects() {
            return StoreTesting.expected(model);
        }
    }

    /** Two tenants with overlapping histories (same object ids and op ids), pushed interleaved. */
    private record Setup(StoreTesting.Fixture f, TestClock clock, Expected a, Expected b, List<String> cursorsOfA) {
        Expected of(String tenant) {
            return tenant.equals(A) ? a : b;
        }

        /** Every row of {@code tenant} in every table, as text, sorted. */
        Map<String, List<String>> rows(String tenant) {
            Map<String, List<String>> rows = new TreeMap<>();
            for (String table : StoreTesting.TABLES) {
                rows.put(table, f.db().jdbi().withHandle(h -> h.createQuery("SELECT * FROM " + table
                                + " WHERE tenant_id = :t").bind("t", tenant).mapToMap().list()).stream()
                        .map(row -> new TreeMap<>(row).toString()).sorted().toList());
            }
            return rows;
        }
    }

    private static Setup setup(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        TestClock clock = new TestClock(A_TIME);
        SyncStore store = SyncStore.builder(db.jdbi()).clock(clock).build();
        store.migrate();
        StoreTesting.Fixture f = new StoreTesting.Fixture(db, store);
        Expected a = new Expected(A);
        Expected b = new Expected(B);
        List<String> cursorsOfA = new ArrayList<>();
        cursorsOfA.add(store.headCursor(A));

        List<Op> opsA = new ArrayList<>(CausalHistories.defaults().replicas(4).objects(8).steps(160).generate(31).ops());
        List<Op> opsB = new ArrayList<>(CausalHistories.defaults().replicas(4).objects(8).steps(160).generate(32).ops());
        // An object only A has, with a type and tag only A uses, and conflicts of every reason.
        opsA.add(update("a-x1", "only-a", "secret", VectorClock.of("x", 1), "\"one\"", "private"));
        opsA.add(update("a-y1", "only-a", "secret", VectorClock.of("y", 1), "\"two\"", "private"));
        opsA.add(update("a-z1", "only-a", "secret", VectorClock.of("z", 1), "\"two\"", "private"));
        opsA.add(delete("a-w1", "only-a", "secret", VectorClock.of("w", 1), "private"));
        opsB.add(update("b-x1", "only-b", "note", VectorClock.of("x", 1), "\"b\"", "inbox"));
        opsB.add(update("b-y1", "only-b", "note", VectorClock.of("y", 1), "\"c\"", "inbox"));

        int second = 0;
        for (int i = 0; i < Math.max(opsA.size(), opsB.size()); i += 17, second++) {
            if (i < opsA.size()) {
                List<Op> batch = opsA.subList(i, Math.min(opsA.size(), i + 17));
                clock.now = A_TIME.plusSeconds(second);
                cursorsOfA.add(store.push(A, batch).serverCursor());
                a.pushed(batch, clock.now);
            }
            if (i < opsB.size()) {
                List<Op> batch = opsB.subList(i, Math.min(opsB.size(), i + 17));
                clock.now = B_TIME.plusSeconds(second);
                store.push(B, batch);
                b.pushed(batch, clock.now);
            }
        }
        StoreTesting.pullAll(store, A, PullRequest.initial().withLimit(3)).pages()
                .forEach(p -> cursorsOfA.add(p.serverCursor()));
        cursorsOfA.add(store.headCursor(A));

        // The histories overlap, so a leak of ids between tenants would show.
        Set<String> sharedOpIds = new HashSet<>();
        a.ops.forEach(op -> sharedOpIds.add(op.opId()));
        sharedOpIds.retainAll(b.ops.stream().map(Op::opId).toList());
        assertThat(sharedOpIds).hasSizeGreaterThan(50);
        assertThat(a.conflicts).extracting(ConflictRecord::reason)
                .contains(ConflictReason.DELETE_WINS, ConflictReason.PAYLOAD_ORDER, ConflictReason.OP_ID_ORDER);
        assertThat(b.conflicts).hasSizeGreaterThan(5);
        return new Setup(f, clock, a, b, cursorsOfA);
    }

    @StoreTesting.OnBothDatabases
    void readsWithAnotherTenantsObjectIdsSeeOnlyTheCallersData(TestDatabases.Kind kind) {
        Setup s = setup(kind);
        for (String[] pair : new String[][] {{A, B}, {B, A}}) {
            String caller = pair[0];
            Expected mine = s.of(caller);
            Expected theirs = s.of(pair[1]);
            Map<String, MaterializedObject> myObjects = mine.objects();
            Set<String> ids = new LinkedHashSet<>(theirs.objects().keySet());
            ids.addAll(myObjects.keySet());
            for (String id : ids) {
                // find and get
                assertThat(s.f().store().find(caller, id)).as("find %s as %s", id, caller)
                        .isEqualTo(java.util.Optional.ofNullable(myObjects.get(id)));
                if (!myObjects.containsKey(id)) {
                    assertThatThrownBy(() -> s.f().store().get(caller, id)).isInstanceOf(NoSuchElementException.class);
                }
                // history: the caller's own journal entries of that id, nothing else
                List<HistoryEntry> history = s.f().store().history(caller, id);
                assertThat(history).extracting(HistoryEntry::journalSeq).as("history of %s as %s", id, caller)
                        .isEqualTo(mine.journalSeqs.getOrDefault(id, List.of()));
                for (HistoryEntry e : history) {
                    assertThat(e.op()).isEqualTo(mine.ops.get((int) e.journalSeq() - 1));
                    Instant window = caller.equals(A) ? A_TIME : B_TIME;
                    assertThat(e.receivedAt()).isBetween(window, window.plusSeconds(3600));
                }
                // conflicts by object
                assertThat(s.f().store().conflicts(caller, ConflictQuery.object(id))).as("conflicts of %s as %s", id, caller)
                        .isEqualTo(mine.conflicts.stream().filter(c -> c.objectId().equals(id)).toList());
            }
            // pulls scoped to the other tenant's ids, types and tags
            List<String> theirIds = List.copyOf(theirs.objects().keySet());
            assertThat(StoreTesting.pullAll(s.f().store(), caller, PullRequest.initial()
                    .withScope(new Scope(null, theirIds, null)).withLimit(4)).byId())
                    .isEqualTo(filter(myObjects, theirIds));
            assertThat(s.f().store().pull(caller, PullRequest.initial().withScope(Scope.ids("only-" + pair[1].substring(7))))
                    .objects()).isEmpty();
            assertThat(StoreTesting.pullAll(s.f().store(), caller, PullRequest.initial().withLimit(5)).byId())
                    .isEqualTo(myObjects);
            // conflicts by time: the other tenant's window holds none of the caller's records
            Instant theirWindow = caller.equals(A) ? B_TIME : A_TIME;
            Instant myWindow = caller.equals(A) ? A_TIME : B_TIME;
            assertThat(s.f().store().conflicts(caller, ConflictQuery.between(theirWindow, theirWindow.plusSeconds(3600))))
                    .isEmpty();
            assertThat(s.f().store().conflicts(caller, ConflictQuery.between(myWindow, myWindow.plusSeconds(3600))))
                    .isEqualTo(mine.conflicts);
            assertThat(s.f().store().conflicts(caller, ConflictQuery.all())).isEqualTo(mine.conflicts);
            // conflict counts
            assertThat(s.f().store().conflictCounts(caller)).isEqualTo(counts(mine.conflicts));
        }
        assertThat(s.f().store().pull(B, PullRequest.initial().withScope(Scope.types("secret"))).objects()).isEmpty();
        assertThat(s.f().store().pull(B, PullRequest.initial().withScope(Scope.tags("private"))).objects()).isEmpty();
        assertThat(s.f().store().conflictCounts(B)).extracting(ConflictCount::objectType).doesNotContain("secret");
    }

    private static Map<String, MaterializedObject> filter(Map<String, MaterializedObject> objects, List<String> ids) {
        Map<String, MaterializedObject> out = new TreeMap<>();
        objects.forEach((id, o) -> {
            if (ids.contains(id)) {
                out.put(id, o);
            }
        });
        return out;
    }

    private static List<ConflictCount> counts(List<ConflictRecord> records) {
        Map<String, Long> n = new TreeMap<>(Utf8Order.COMPARATOR);
        records.forEach(c -> n.merge(c.reason().code() + "\u0000" + c.objectType(), 1L, Long::sum));
        List<ConflictCount> out = new ArrayList<>();
        n.forEach((k, v) -> out.add(new ConflictCount(ConflictReason.of(k.substring(0, k.indexOf('\u0000'))),
                k.substring(k.indexOf('\u0000') + 1), v)));
        return out;
    }

    @StoreTesting.OnBothDatabases
    void everyCursorOneTenantWasGivenIsRefusedToTheOther(TestDatabases.Kind kind) {
        Setup s = setup(kind);
        Map<String, List<String>> rowsOfB = s.rows(B);
        String headOfB = s.f().store().headCursor(B);
        // The head of a tenant without changes, push cursors, page cursors and the head.
        assertThat(s.cursorsOfA()).hasSizeGreaterThan(10);
        for (String cursor : s.cursorsOfA()) {
            InvalidCursorException e = catchThrowableOfType(InvalidCursorException.class,
                    () -> s.f().store().pull(B, PullRequest.since(cursor).withLimit(3)));
            assertThat(e).as("cursor %s of A in a pull of B", cursor).isNotNull();
            assertThat(e.problem()).isEqualTo(InvalidCursorException.Problem.OTHER_TENANT);
            assertThat(s.f().store().pull(A, PullRequest.since(cursor).withLimit(3))).isNotNull();
        }
        String never = s.f().store().headCursor("never-pushed");
        for (String tenant : List.of(A, B)) {
            assertThat(catchThrowableOfType(InvalidCursorException.class,
                    () -> s.f().store().pull(tenant, PullRequest.since(never))).problem())
                    .isEqualTo(InvalidCursorException.Problem.OTHER_TENANT);
        }
        assertThat(s.f().store().headCursor(B)).isEqualTo(headOfB);
        assertThat(s.rows(B)).isEqualTo(rowsOfB);
    }

    @StoreTesting.OnBothDatabases
    void replayOfOneTenantNeverReadsOrTouchesTheOthersRows(TestDatabases.Kind kind) {
        Setup s = setup(kind);
        String shared = CausalHistories.objectId(0);
        assertThat(s.a().objects()).containsKey(shared);
        assertThat(s.b().objects()).containsKey(shared);
        // Damage both tenants the same way: the same object tampered, the same orphan row, and
        // one conflict record gone.
        s.f().db().jdbi().useHandle(h -> {
            for (String t : List.of(A, B)) {
                h.createUpdate("UPDATE sync_objects SET payload = '\"tampered\"', is_tombstone = FALSE WHERE tenant_id = :t "
                        + "AND object_id = :id").bind("t", t).bind("id", shared).execute();
                h.createUpdate("INSERT INTO sync_objects (tenant_id, object_id, object_type, payload, is_tombstone, "
                        + "vector_clock, context_clock, winner_op_id, winner_timestamp, tags, head_count, other_heads, "
                        + "change_seq, updated_at) SELECT tenant_id, 'ghost', object_type, payload, is_tombstone, vector_clock, "
                        + "context_clock, 'ghost-op', winner_timestamp, tags, head_count, other_heads, 100000, updated_at "
                        + "FROM sync_objects WHERE tenant_id = :t AND object_id = :id").bind("t", t).bind("id", shared).execute();
            }
            h.createUpdate("DELETE FROM sync_conflicts WHERE tenant_id = :t AND object_id = 'only-a'").bind("t", A).execute();
            h.createUpdate("DELETE FROM sync_conflicts WHERE tenant_id = :t AND object_id = 'only-b'").bind("t", B).execute();
        });
        Map<String, List<String>> damagedB = s.rows(B);
        String headOfB = s.f().store().headCursor(B);

        ReplayReport verifyA = s.f().store().replay(A, ReplayOptions.verify().withPageSize(13));
        assertThat(verifyA.changed()).containsExactlyInAnyOrder(shared, "ghost");
        assertThat(verifyA.conflictsChanged()).containsExactly("only-a");
        assertThat(verifyA.journalOps()).isEqualTo(s.a().ops.size());
        assertThat(s.rows(B)).as("B's rows after verifying A").isEqualTo(damagedB);

        ReplayReport rebuildA = s.f().store().replay(A, ReplayOptions.rebuild().withPageSize(13));
        assertThat(rebuildA.changed()).isEqualTo(verifyA.changed());
        assertThat(s.rows(B)).as("B's rows after rebuilding A").isEqualTo(damagedB);
        assertThat(s.f().store().headCursor(B)).isEqualTo(headOfB);
        assertThat(s.f().store().replay(A, ReplayOptions.verify()).consistent()).isTrue();
        assertThat(StoreTesting.pullAll(s.f().store(), A, PullRequest.initial()).byId()).isEqualTo(s.a().objects());
        assertThat(s.f().store().conflicts(A, ConflictQuery.all())).isEqualTo(s.a().conflicts);

        // B is still damaged, exactly as before; its own rebuild repairs it and leaves A alone.
        ReplayReport verifyB = s.f().store().replay(B, ReplayOptions.verify());
        assertThat(verifyB.changed()).containsExactlyInAnyOrder(shared, "ghost");
        assertThat(verifyB.conflictsChanged()).containsExactly("only-b");
        Map<String, List<String>> repairedA = s.rows(A);
        s.f().store().replay(B, ReplayOptions.rebuild());
        assertThat(s.rows(A)).as("A's rows after rebuilding B").isEqualTo(repairedA);
        assertThat(StoreTesting.pullAll(s.f().store(), B, PullRequest.initial()).byId()).isEqualTo(s.b().objects());
        assertThat(s.f().store().conflicts(B, ConflictQuery.all())).isEqualTo(s.b().conflicts);
    }

    @StoreTesting.OnBothDatabases
    void anotherTenantsOpsPushedAgainAreNewOpsThere(TestDatabases.Kind kind) {
        Setup s = setup(kind);
        Map<String, List<String>> rowsOfA = s.rows(A);
        // Tenant C sends exactly A's ops: none of them is a duplicate there.
        Materializer fresh = Materializer.create();
        List<Outcome> expected = fresh.applyAll(s.a().ops).stream().map(ApplyResult::outcome).toList();
        s.clock().now = B_TIME.plusSeconds(7200);
        PushResult pushed = s.f().store().push("tenant-c", s.a().ops);
        assertThat(pushed.results()).extracting(OpResult::outcome).isEqualTo(expected).doesNotContain(Outcome.DUPLICATE);
        assertThat(StoreTesting.pullAll(s.f().store(), "tenant-c", PullRequest.initial()).byId()).isEqualTo(s.a().objects());
        // B sends A's ops, whose ids B already uses for other content: a reuse within B, not across.
        Op reusedInB = s.a().ops.stream().filter(op -> s.b().ops.stream().anyMatch(o -> o.opId().equals(op.opId())
                && !o.equals(op))).findFirst().orElseThrow();
        Map<String, List<String>> rowsOfB = s.rows(B);
        assertThat(catchThrowable(() -> s.f().store().push(B, List.of(reusedInB)))).isInstanceOf(OpIdReusedException.class);
        assertThat(s.rows(B)).isEqualTo(rowsOfB);
        // A re-sending its own ops finds them all as duplicates, and nothing of A changed.
        assertThat(s.f().store().push(A, s.a().ops).results()).extracting(OpResult::outcome).containsOnly(Outcome.DUPLICATE);
        assertThat(s.rows(A)).isEqualTo(rowsOfA);
    }

    @StoreTesting.OnBothDatabases
    void pushesToTwoTenantsInOneCallerTransactionStayApart(TestDatabases.Kind kind) {
        Setup s = setup(kind);
        Op forA = update("shared-op", "shared-doc", "note", VectorClock.of("p", 1), "\"for A\"", "a-tag");
        Op forB = update("shared-op", "shared-doc", "task", VectorClock.of("q", 5), "\"for B\"", "b-tag");

        // Rolled back by the caller: neither tenant keeps anything.
        Map<String, List<String>> rowsOfA = s.rows(A);
        Map<String, List<String>> rowsOfB = s.rows(B);
        Throwable e = catchThrowable(() -> s.f().db().jdbi().useTransaction(h -> {
            s.f().store().push(h, A, List.of(forA));
            s.f().store().push(h, B, List.of(forB));
            throw new IllegalStateException("roll back both");
        }));
        assertThat(e).hasMessage("roll back both");
        assertThat(s.rows(A)).isEqualTo(rowsOfA);
        assertThat(s.rows(B)).isEqualTo(rowsOfB);

        // Committed: the same op id lands in both tenants with each tenant's own content.
        s.f().db().jdbi().useTransaction(h -> {
            assertThat(s.f().store().push(h, A, List.of(forA)).results()).extracting(OpResult::outcome)
                    .containsExactly(Outcome.APPLIED);
            assertThat(s.f().store().push(h, B, List.of(forB)).results()).extracting(OpResult::outcome)
                    .containsExactly(Outcome.APPLIED);
        });
        assertThat(s.f().store().get(A, "shared-doc").payload().json()).isEqualTo("\"for A\"");
        assertThat(s.f().store().get(B, "shared-doc").payload().json()).isEqualTo("\"for B\"");
        assertThat(s.f().store().history(B, "shared-doc")).extracting(HistoryEntry::op).containsExactly(forB);

        // One tenant's refused push inside the transaction leaves the other's push in it intact.
        Op laterA = update("later-a", "shared-doc", "note", VectorClock.of("p", 2), "\"later\"");
        Op reusedB = forB.toBuilder().payload(forA.payload()).build();
        Map<String, List<String>> rowsOfBBefore = s.rows(B);
        s.f().db().jdbi().useTransaction(h -> {
            s.f().store().push(h, A, List.of(laterA));
            assertThat(catchThrowable(() -> s.f().store().push(h, B, List.of(update("new-b", "n", "note",
                    VectorClock.of("q", 1), "1"), reusedB)))).isInstanceOf(OpIdReusedException.class);
        });
        assertThat(s.f().store().get(A, "shared-doc").winnerOpId()).isEqualTo("later-a");
        assertThat(s.rows(B)).isEqualTo(rowsOfBBefore);
    }
}
