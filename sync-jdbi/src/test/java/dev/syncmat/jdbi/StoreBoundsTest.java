package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.core.protocol.ConflictCount;
import dev.syncmat.core.protocol.ConflictQuery;
import dev.syncmat.core.protocol.HistoryEntry;
import dev.syncmat.core.protocol.HistoryPage;
import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PullSink;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.syncmat.jdbi.StoreTesting.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every call is bounded: pages by bytes, waits for a tenant's lock, payload nesting, history pages. */
class StoreBoundsTest {
    private static final String T = "tenant-1";

    private static SyncStore store(TestDatabases.Database db, long maxPageBytes) {
        SyncStore store = SyncStore.builder(db.jdbi()).maxPageBytes(maxPageBytes)
                .limits(Limits.defaults().withMaxPayloadBytes(3 * 1024 * 1024)).build();
        store.migrate();
        return store;
    }

    /** A JSON string payload of about {@code bytes} bytes, distinct per {@code n}. */
    private static String big(int n, int bytes) {
        return "\"" + n + "-" + "x".repeat(bytes) + "\"";
    }

    @StoreTesting.OnBothDatabases
    void pagesStopAtTheByteBudgetAndAnObjectLargerThanItComesAlone(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db, 1024 * 1024);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ops.add(update("op-" + i, String.format("o-%02d", i), "note", VectorClock.of("a", 1), big(i, 300 * 1024)));
        }
        // o-10 alone is larger than the budget of a page.
        ops.add(update("op-10", "o-10", "note", VectorClock.of("a", 1), big(10, 2 * 1024 * 1024)));
        ops.add(update("op-11", "o-11", "note", VectorClock.of("a", 1), "1"));
        store.push(T, ops.subList(0, 6));
        store.push(T, ops.subList(6, ops.size()));

        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        while (true) {
            PullResponse page = store.pull(T, new PullRequest(cursor, null, 1000));
            pages.add(page.objects().stream().map(MaterializedObject::objectId).toList());
            for (MaterializedObject o : page.objects()) {
                assertThat(o.payload().json()).isEqualTo(ops.get(Integer.parseInt(o.objectId().substring(2))).payload().json());
            }
            if (!page.hasMore()) {
                break;
            }
            cursor = page.serverCursor();
        }
        // 300 KiB objects: three fit in 1 MiB, a fourth would not.
        assertThat(pages).containsExactly(List.of("o-00", "o-01", "o-02"), List.of("o-03", "o-04", "o-05"),
                List.of("o-06", "o-07", "o-08"), List.of("o-09"), List.of("o-10"), List.of("o-11"));
    }

    @StoreTesting.OnBothDatabases
    void aStreamedPageHandsOverEveryObjectInChangeOrderBeforeItEnds(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db, 1024 * 1024);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ops.add(update("op-" + i, "o-" + i, "note", VectorClock.of("a", 1), big(i, 400 * 1024)));
        }
        store.push(T, ops);
        List<String> events = new ArrayList<>();
        store.pull(T, new PullRequest(null, null, 5), new PullSink() {
            @Override
            public void object(MaterializedObject object, List<dev.syncmat.core.protocol.CompetingHead> otherHeads) {
                events.add(object.objectId());
            }

            @Override
            public void removed(String objectId) {
                events.add("removed:" + objectId);
            }

            @Override
            public void end(String serverCursor, boolean hasMore) {
                events.add("end:" + hasMore);
            }
        });
        // Two 400 KiB objects per 1 MiB page; the page ends with more to come.
        assertThat(events).containsExactly("o-0", "o-1", "end:true");
    }

    @StoreTesting.OnBothDatabases
    void aPushWaitingTooLongForItsTenantsLockFailsRetryablyWhileOtherTenantsGoOn(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(Duration.ofMillis(300)).build();
        store.migrate();
        store.push("k", List.of(update("k1", "doc", "note", VectorClock.of("a", 1), "1")));
        store.push("a", List.of(update("a1", "doc", "note", VectorClock.of("a", 1), "1")));

        try (Handle holder = db.jdbi().open()) {
            holder.begin();
            holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = 'k' FOR UPDATE").mapTo(Long.class).one();

            assertThatThrownBy(() -> store.push("k", List.of(update("k2", "doc", "note", VectorClock.of("a", 2), "2"))))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.isLockTimeout()).isTrue();
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.isConnectionLost()).isFalse();
                        assertThat(e.getMessage()).contains("tenant \"k\"").contains("lock");
                    });
            // Another tenant pushes and pulls, and tenant k is still readable.
            store.push("a", List.of(update("a2", "doc", "note", VectorClock.of("a", 2), "2")));
            assertThat(store.get("a", "doc").winnerOpId()).isEqualTo("a2");
            assertThat(store.pull("k", PullRequest.initial()).objects()).extracting(MaterializedObject::winnerOpId)
                    .containsExactly("k1");
            holder.rollback();
        }
        assertThat(db.count("sync_journal", "k")).isEqualTo(1);
        store.push("k", List.of(update("k2", "doc", "note", VectorClock.of("a", 2), "2")));
        assertThat(store.get("k", "doc").winnerOpId()).isEqualTo("k2");
    }

    @StoreTesting.OnBothDatabases
    void aPushInTheCallersTransactionPutsTheCallersLockWaitBack(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.builder(db.jdbi()).lockWaitTimeout(Duration.ofMillis(700)).build();
        store.migrate();
        String query = kind == TestDatabases.Kind.H2 ? "SELECT CAST(LOCK_TIMEOUT() AS VARCHAR)" : "SHOW lock_timeout";
        String set = kind == TestDatabases.Kind.H2 ? "SET LOCK_TIMEOUT 4321" : "SET LOCAL lock_timeout = '4321ms'";
        String expected = kind == TestDatabases.Kind.H2 ? "4321" : "4321ms";
        try (Handle h = db.jdbi().open()) {
            h.begin();
            h.execute(set);
            store.push(h, T, List.of(update("x1", "doc", "note", VectorClock.of("a", 1), "1")));
            assertThat(h.createQuery(query).mapTo(String.class).one()).isEqualTo(expected);
            h.commit();
        }
        assertThat(store.get(T, "doc").winnerOpId()).isEqualTo("x1");
    }

    /** {@code depth} arrays nested around a number. */
    private static String nested(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    @StoreTesting.OnBothDatabases
    void payloadsNestedDeeperThanTheLimitAreRefusedAndNothingIsWritten(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        Op atLimit = update("deep-64", "d1", "note", VectorClock.of("a", 1), nested(64));
        Op overLimit = update("deep-65", "d2", "note", VectorClock.of("a", 1), nested(65));
        assertThat(atLimit.payload().depth()).isEqualTo(64);
        store.push(T, List.of(atLimit));
        assertThatThrownBy(() -> store.push(T, List.of(overLimit)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("payload");
                    assertThat(e.reason()).isEqualTo("payload must nest at most 64 arrays or objects deep, but nested 65");
                });
        assertThat(db.count("sync_journal", T)).isEqualTo(1);
        // What the store reads back knows its depth too.
        assertThat(Payload.ofCanonicalJson(store.get(T, "d1").payload().json()).depth()).isEqualTo(64);
        assertThat(Payload.ofCanonicalJson("{\"a\":\"[[[\\\"]]\",\"b\":[{}]}").depth()).isEqualTo(3);

        SyncStore shallow = SyncStore.builder(db.jdbi()).limits(Limits.defaults().withMaxPayloadDepth(2)).build();
        assertThatThrownBy(() -> shallow.push(T, List.of(update("deep-3", "d3", "note", VectorClock.of("a", 1), nested(3)))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 2");
    }

    @StoreTesting.OnBothDatabases
    void conflictCountsHonourTheQuerysObjectAndTimeFilters(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        TestClock clock = new TestClock(Instant.parse("2026-11-01T00:00:00Z"));
        SyncStore store = SyncStore.builder(db.jdbi()).clock(clock).build();
        store.migrate();
        store.push(T, List.of(update("x1", "x", "note", VectorClock.of("a", 1), "\"a\""),
                update("x2", "x", "note", VectorClock.of("b", 1), "\"b\"")));
        clock.now = Instant.parse("2026-11-02T00:00:00Z");
        store.push(T, List.of(update("y1", "y", "task", VectorClock.of("a", 1), "\"a\""),
                update("y2", "y", "task", VectorClock.of("b", 1), "\"b\"")));

        assertThat(store.conflictCounts(T)).containsExactly(new ConflictCount(ConflictReason.PAYLOAD_ORDER, "note", 1),
                new ConflictCount(ConflictReason.PAYLOAD_ORDER, "task", 1));
        assertThat(store.conflictCounts(T, ConflictQuery.object("y")))
                .containsExactly(new ConflictCount(ConflictReason.PAYLOAD_ORDER, "task", 1));
        assertThat(store.conflictCounts(T, ConflictQuery.between(Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-01T12:00:00Z"))))
                .containsExactly(new ConflictCount(ConflictReason.PAYLOAD_ORDER, "note", 1));
        assertThat(store.conflictCounts(T, new ConflictQuery("x", Instant.parse("2026-11-01T12:00:00Z"), null))).isEmpty();
    }

    @StoreTesting.OnBothDatabases
    void historyPagesEndAtTheirLimitAndByteBudgetAndTogetherGiveTheWholeHistory(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = store(db, 1024 * 1024);
        List<Op> ops = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            // h2 and h3 are large, the rest small; every op supersedes the one before.
            String payload = i == 2 || i == 3 ? big(i, 600 * 1024) : "\"small-" + i + "\"";
            ops.add(update("h" + i, "doc", "note", VectorClock.of("a", i), payload));
        }
        for (Op op : ops) {
            store.push(T, List.of(op));
        }
        List<HistoryEntry> whole = store.history(T, "doc");
        assertThat(whole).extracting(e -> e.op().opId()).containsExactly("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9");

        List<List<String>> pages = new ArrayList<>();
        List<HistoryEntry> paged = new ArrayList<>();
        long after = 0;
        while (true) {
            HistoryPage page = store.history(T, "doc", after, 4);
            pages.add(page.entries().stream().map(e -> e.op().opId()).toList());
            paged.addAll(page.entries());
            if (!page.hasMore()) {
                break;
            }
            after = page.entries().get(page.entries().size() - 1).journalSeq();
        }
        // At most 4 entries, and at most one 600 KiB entry with the small ones in 1 MiB.
        assertThat(pages).containsExactly(List.of("h1", "h2"), List.of("h3", "h4", "h5", "h6"), List.of("h7", "h8", "h9"));
        assertThat(paged).isEqualTo(whole);
    }
}
