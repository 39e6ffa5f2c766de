package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.Materializer;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.OpKind;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared pieces of the store suite. Every suite class runs each test on both databases, so the
 * same assertions hold for H2 and for a real PostgreSQL.
 */
final class StoreTesting {
    /** The library's data tables (all but the schema version table), in the default schema. */
    static final List<String> TABLES = List.of("sync_tenants", "sync_journal", "sync_objects", "sync_object_tags",
            "sync_conflicts", "sync_scope_exits", "sync_aliases", "sync_graves");

    /** Every migration version the library ships, in order: what migrating an empty database applies. */
    static final List<Integer> ALL_VERSIONS = List.of(1, 2, 3, 4, 5, 6, 7, 8);

    private StoreTesting() {
    }

    /** A test that runs once on H2 and once on embedded PostgreSQL (and on Citus when one is configured). */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    @interface OnBothDatabases {
    }

    /** A fresh database and a migrated store with default options on it. */
    record Fixture(TestDatabases.Database db, SyncStore store) {
        /** Row counts of every library table, over all tenants. */
        Map<String, Long> counts() {
            Map<String, Long> counts = new TreeMap<>();
            for (String table : TABLES) {
                counts.put(table, db.count(table));
            }
            return counts;
        }
    }

    static Fixture fresh(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        return new Fixture(db, store);
    }

    /** All pages of a pull, followed until {@code hasMore} is false. */
    record Pulled(List<MaterializedObject> objects, List<PullResponse> pages, String cursor) {
        Map<String, MaterializedObject> byId() {
            return StoreTesting.byId(objects);
        }

        List<String> ids() {
            return objects.stream().map(MaterializedObject::objectId).toList();
        }
    }

    /**
     * Pulls page after page and checks the paging invariants on the way: no page is larger than
     * the limit, a page that says {@code hasMore} is full, and the last page says no more.
     */
    static Pulled pullAll(SyncStore store, String tenant, PullRequest first) {
        List<MaterializedObject> objects = new ArrayList<>();
        List<PullResponse> pages = new ArrayList<>();
        PullRequest request = first;
        for (int i = 0; ; i++) {
            assertThat(i).as("pages of one pull").isLessThan(100_000);
            PullResponse page = store.pull(tenant, request);
            if (!pages.isEmpty() && first.scope().isAll()) {
                // Objects are never removed, so what made the last page say "more" is still there.
                assertThat(page.objects()).as("the page after one that said there was more").isNotEmpty();
            }
            pages.add(page);
            objects.addAll(page.objects());
            if (first.limit() != null) {
                int entries = page.objects().size() + page.removed().size();
                assertThat(entries).as("page size").isLessThanOrEqualTo(first.limit());
                if (page.hasMore() && first.scope().isAll()) {
                    // (A scoped page may end short: it passes over the record of an object leaving its
                    // scope when the object is back in it, to send the object at its own change.)
                    assertThat(page.objects()).as("a page with more to come is full").hasSize(first.limit());
                }
            }
            if (first.scope().isAll()) {
                assertThat(page.removed()).as("removals of an unscoped pull").isEmpty();
            }
            if (!page.hasMore()) {
                return new Pulled(objects, pages, page.serverCursor());
            }
            request = request.withCursor(page.serverCursor());
        }
    }

    /** The change sequence number a cursor points to (bytes 1..8 of the cursor's form, see Cursors). */
    static long seqOf(String cursor) {
        return java.nio.ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(cursor)).getLong(1);
    }

    /** {@code cursor} pointing at another change sequence number, in the same history. */
    static String withSeq(String cursor, long seq) {
        byte[] b = java.util.Base64.getUrlDecoder().decode(cursor);
        java.nio.ByteBuffer.wrap(b).putLong(1, seq);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Objects by id; fails on an id listed twice. */
    static Map<String, MaterializedObject> byId(Collection<MaterializedObject> objects) {
        Map<String, MaterializedObject> map = new LinkedHashMap<>();
        for (MaterializedObject o : objects) {
            assertThat(map.put(o.objectId(), o)).as("object \"%s\" listed twice", o.objectId()).isNull();
        }
        return map;
    }

    /** What clients should see of every object the materializer holds, by id. */
    static Map<String, MaterializedObject> expected(Materializer m) {
        Map<String, MaterializedObject> map = new LinkedHashMap<>();
        for (ObjectState s : m.objects()) {
            map.put(s.objectId(), MaterializedObject.of(s));
        }
        return map;
    }

    /** The materialization of {@code ops} applied one by one in the given order. */
    static Materializer materialize(Collection<Op> ops) {
        Materializer m = Materializer.create();
        ops.forEach(m::apply);
        return m;
    }

    /** Number of distinct op ids. */
    static int distinctOpIds(Collection<Op> ops) {
        Set<String> ids = new HashSet<>();
        ops.forEach(op -> ids.add(op.opId()));
        return ids.size();
    }

    static Op update(String opId, String objectId, String type, VectorClock clock, String payloadJson, String... tags) {
        return Op.builder().opId(opId).objectId(objectId).objectType(type).kind(OpKind.UPDATE).clock(clock)
                .payload(Payload.parse(payloadJson)).tags(List.of(tags)).timestamp(Instant.parse("2026-11-24T10:00:00Z"))
                .build();
    }

    static Op delete(String opId, String objectId, String type, VectorClock clock, String... tags) {
        return Op.builder().opId(opId).objectId(objectId).objectType(type).kind(OpKind.DELETE).clock(clock)
                .tags(List.of(tags)).timestamp(Instant.parse("2026-11-24T10:00:00Z")).build();
    }
}
