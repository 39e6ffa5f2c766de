package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.InvalidClockException;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The context aliases of objects ({@link ContextAliases}), as rows of {@code sync_aliases}: how the
 * store reads them, expands the clocks of ops with them and compresses the contexts it serves.
 * Only objects whose stored context names the alias actor have aliases, so objects that never had
 * more than the threshold of actors cost no extra query.
 */
final class StoredAliases {
    private StoredAliases() {
    }

    /** The aliases of the given objects, by object id (objects without any are absent). One round trip. */
    static Map<String, ContextAliases> byObjects(Handle h, Sql sql, String tenant, Collection<String> objectIds) {
        return byObjects(h, sql, tenant, objectIds, new HashMap<>());
    }

    /** As {@link #byObjects(Handle, Sql, String, Collection)}, with each object's stored texts, in order, in {@code texts}. */
    static Map<String, ContextAliases> byObjects(Handle h, Sql sql, String tenant, Collection<String> objectIds,
                                                 Map<String, List<String>> texts) {
        Map<String, ContextAliases> found = new HashMap<>();
        if (objectIds.isEmpty()) {
            return found;
        }
        // Rows come ordered by object id and alias number, so each chain is read back in order.
        sql.query(h, "aliases_by_objects").bind("tenant", tenant).bindArray("keys", String.class, objectIds)
                .map((rs, ctx) -> new Row(rs.getString("object_id"), rs.getLong("alias_seq"), rs.getString("clock")))
                .forEach(r -> {
                    found.put(r.objectId, add(found.getOrDefault(r.objectId, ContextAliases.none()), r));
                    texts.computeIfAbsent(r.objectId, k -> new ArrayList<>()).add(r.clock);
                });
        return found;
    }

    /** The aliases of one object; {@link ContextAliases#none()} when it has none. One round trip. */
    static ContextAliases ofObject(Handle h, Sql sql, String tenant, String objectId) {
        ContextAliases[] a = {ContextAliases.none()};
        sql.query(h, "aliases_of_object").bind("tenant", tenant).bind("objectId", objectId)
                .map((rs, ctx) -> new Row(rs.getString("object_id"), rs.getLong("alias_seq"), rs.getString("clock")))
                .forEach(r -> a[0] = add(a[0], r));
        return a[0];
    }

    private record Row(String objectId, long k, String clock) {
    }

    private static ContextAliases add(ContextAliases aliases, Row r) {
        if (r.k != aliases.latest() + 1) {
            throw new CorruptRowException(r.objectId, "alias " + r.k + " follows alias " + aliases.latest());
        }
        return aliases.with(StoredForms.parseClock(r.clock));
    }

    /**
     * {@code op} as the merge compares it: with the expansion of the alias its clock names.
     *
     * @throws InvalidOpException naming {@code clock} when the object has no such alias
     */
    static Op expand(ContextAliases aliases, Op op) {
        if (!ContextAliases.namesAlias(op.clock())) {
            return op;
        }
        try {
            return op.withCausalClock(aliases.expand(op.clock()));
        } catch (InvalidClockException e) {
            throw new InvalidOpException(op.opId(), "clock", e.reason() + " (object \"" + op.objectId()
                    + "\"; take \"" + ContextAliases.ACTOR + "\" only from the object's served context)");
        }
    }

    /** What clients are served of {@code state}: its view with the context compressed. */
    static MaterializedObject served(ObjectState state, ContextAliases aliases) {
        MaterializedObject v = MaterializedObject.of(state);
        if (aliases.latest() == 0) {
            return v;
        }
        return new MaterializedObject(v.objectId(), v.objectType(), v.tags(), v.payload(), v.deleted(), v.clock(),
                aliases.compress(v.context()), v.winnerOpId(), v.heads());
    }
}
