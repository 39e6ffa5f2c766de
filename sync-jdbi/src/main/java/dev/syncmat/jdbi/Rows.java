package dev.syncmat.jdbi;

import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.protocol.ConflictRecord;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergeEngine;
import dev.syncmat.core.merge.ObjectState;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reading and writing rows of the store's tables. */
final class Rows {
    private Rows() {
    }

    /**
     * A stored object: its merge state (winner recomputed by the engine's policy, heads compared by
     * their clocks expanded with the object's aliases), the row as clients see it (winner as
     * stored), its context aliases, and the change sequence it was last written with. A row the
     * store cannot read back (changed behind its back: a tombstone flag that contradicts the
     * payload, a clock that is not JSON) has neither state nor view, and {@code unreadable} says why.
     */
    record StoredObject(String objectId, ObjectState state, MaterializedObject view, ContextAliases aliases,
                        long changeSeq, String unreadable, List<StoredForms.StoredHead> storedHeads) {
        StoredObject(String objectId, ObjectState state, MaterializedObject view, ContextAliases aliases, long changeSeq,
                     String unreadable) {
            this(objectId, state, view, aliases, changeSeq, unreadable, List.of());
        }

        /** Whether the row could be read back. */
        boolean readable() {
            return unreadable == null;
        }

        /** The state, for merging into. */
        ObjectState requireState() {
            if (state == null) {
                throw new CorruptRowException(objectId, unreadable);
            }
            return state;
        }
    }

    /** A journal row: the op, where it sits in the journal and when it arrived. */
    record JournalEntry(long journalSeq, Op op, Instant receivedAt) {
    }

    static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static JournalEntry journalEntry(ResultSet rs) throws SQLException {
        Op op = StoredForms.op(rs.getString("op_id"), rs.getString("object_id"), rs.getString("object_type"),
                rs.getBoolean("is_delete"), rs.getString("vector_clock"), rs.getString("payload"), rs.getString("tags"),
                rs.getString("client_timestamp"));
        return new JournalEntry(rs.getLong("journal_seq"), op, instant(rs, "received_at"));
    }

    /** Journal entries of the given op ids, by op id. One round trip. */
    static Map<String, JournalEntry> journalByOpIds(Handle h, Sql sql, String tenant, Collection<String> opIds) {
        Map<String, JournalEntry> found = new HashMap<>();
        if (opIds.isEmpty()) {
            return found;
        }
        sql.query(h, "journal_by_op_ids").bind("tenant", tenant).bindArray("keys", String.class, opIds)
                .map((rs, ctx) -> journalEntry(rs))
                .forEach(e -> found.put(e.op().opId(), e));
        return found;
    }

    /** The winner op of a stored object row. */
    private static Op winner(ResultSet rs, String objectId) throws SQLException {
        return StoredForms.op(rs.getString("winner_op_id"), objectId, rs.getString("object_type"),
                rs.getBoolean("is_tombstone"), rs.getString("vector_clock"), rs.getString("payload"), rs.getString("tags"),
                rs.getString("winner_timestamp"));
    }

    // A row as read, before its other heads get their payloads and all heads are expanded; with the
    // hash and length of its other_heads text, and the hash of its alias rows when the database gave it.
    private record RawObject(String objectId, Op winner, List<StoredForms.StoredHead> others, MaterializedObject view,
                             long changeSeq, String unreadable, String headsHash, int headsChars, String aliasesHash) {
    }

    /**
     * The canonical payload text of the given op ids' journal rows, by op id (a delete's is absent).
     * One round trip; nothing when {@code opIds} is empty.
     */
    static Map<String, String> journalPayloads(Handle h, Sql sql, String tenant, Collection<String> opIds) {
        Map<String, String> found = new HashMap<>();
        if (!opIds.isEmpty()) {
            sql.query(h, "journal_payloads_by_op_ids").bind("tenant", tenant).bindArray("keys", String.class, opIds)
                    .map((rs, ctx) -> Map.entry(rs.getString("op_id"), Optional.ofNullable(rs.getString("payload"))))
                    .forEach(e -> e.getValue().ifPresent(p -> found.put(e.getKey(), p)));
        }
        return found;
    }

    /**
     * Where the payloads of one object's other heads are read from, by op id, the first time a
     * merge needs them, within the caller's transaction: one round trip for those a merge reads
     * together ({@link Payload#readTogether}); a missing row makes the object corrupt.
     */
    private static Payload.Source deferredPayloads(Handle h, Sql sql, String tenant, String objectId,
                                                   List<StoredForms.StoredHead> heads) {
        Map<String, String> digests = new HashMap<>();
        return Payload.source(opIds -> {
            Map<String, String> read = journalPayloads(h, sql, tenant, opIds);
            synchronized (digests) {
                if (digests.isEmpty()) {
                    for (StoredForms.StoredHead head : heads) {
                        if (head.digest() != null) {
                            digests.put(head.opId(), head.digest());
                        }
                    }
                }
                // A head names the payload it was merged with: a journal row holding another was
                // changed behind the store's back, and the object cannot be merged into.
                read.forEach((opId, text) -> {
                    String digest = digests.get(opId);
                    if (digest != null && !digest.equals(StoredForms.digest(text))) {
                        throw new CorruptRowException(objectId, "the journal row of head " + opId
                                + " holds another payload than the one the head was merged with");
                    }
                });
            }
            return read;
        }, opId -> new CorruptRowException(objectId, "head " + opId + " has no journal row"));
    }

    /** Op ids of the stored heads whose payloads live in the journal. */
    static List<String> journalPayloadIds(List<StoredForms.StoredHead> heads) {
        List<String> ids = new ArrayList<>();
        for (StoredForms.StoredHead head : heads) {
            if (head.payloadInJournal()) {
                ids.add(head.opId());
            }
        }
        return ids;
    }

    /**
     * Objects with the given ids, by id, with their heads and aliases. One round trip, one more
     * when some of them have aliases (but not those whose aliases {@code cache} holds as stored),
     * and for the other heads' payloads: with {@code deferPayloads} (a push) one round trip per
     * batch of payloads that a merge reads ({@link Payload#readTogether}), which for a merge beside
     * n heads is about log2(n) / 4; without (replay, which compares every head) one round trip for
     * all of them. Stored heads and aliases that {@code cache} holds as they are stored are neither
     * sent nor parsed again; what is read is kept in it.
     */
    static Map<String, StoredObject> objectsByIds(Handle h, Sql sql, MergeEngine engine, String tenant,
                                                  Collection<String> objectIds, boolean deferPayloads, HeadsCache cache) {
        Map<String, StoredObject> found = new HashMap<>();
        if (objectIds.isEmpty()) {
            return found;
        }
        // What the cache holds of each object, taken once, so that the query and the rows agree on it.
        Map<String, HeadsCache.Entry> kept = new HashMap<>();
        List<String> ids = new ArrayList<>(objectIds);
        List<String> known = new ArrayList<>(ids.size());
        for (String id : ids) {
            HeadsCache.Entry e = cache.get(tenant, id);
            if (e != HeadsCache.Entry.NONE) {
                kept.put(id, e);
            }
            known.add(e.headsHash());
        }
        // Only a push that holds something asks the database to hash what it has.
        boolean asKnown = !kept.isEmpty();
        List<RawObject> raw = (asKnown
                ? sql.query(h, "objects_by_ids_known").bindArray("known", String.class, known)
                : sql.query(h, "objects_by_ids"))
                .bind("tenant", tenant).bindArray("keys", String.class, ids)
                .map((rs, ctx) -> raw(rs, asKnown, kept.getOrDefault(rs.getString("object_id"), HeadsCache.Entry.NONE), cache))
                .list();
        Map<String, String> payloads = Map.of();
        if (!deferPayloads) {
            // The other heads' payloads, from their journal rows: one round trip for all the objects.
            List<String> payloadIds = new ArrayList<>();
            for (RawObject r : raw) {
                if (r.others() != null) {
                    payloadIds.addAll(journalPayloadIds(r.others()));
                }
            }
            payloads = journalPayloads(h, sql, tenant, payloadIds);
        }
        // A served context names the alias actor exactly when the object has aliases.
        Map<String, ContextAliases> aliases = new HashMap<>();
        Set<String> aliased = new LinkedHashSet<>();
        for (RawObject r : raw) {
            if (r.view() != null && ContextAliases.namesAlias(r.view().context())) {
                HeadsCache.Entry e = kept.get(r.objectId());
                if (e != null && e.aliases() != null && r.aliasesHash() != null && r.aliasesHash().equals(e.aliasesHash())) {
                    cache.aliasesHit();
                    aliases.put(r.objectId(), e.aliases());
                } else {
                    aliased.add(r.objectId());
                }
            }
        }
        Map<String, List<String>> aliasTexts = new HashMap<>();
        aliases.putAll(StoredAliases.byObjects(h, sql, tenant, aliased, aliasTexts));
        for (RawObject r : raw) {
            ContextAliases a = aliases.getOrDefault(r.objectId(), ContextAliases.none());
            StoredObject o;
            if (r.unreadable() != null) {
                o = new StoredObject(r.objectId(), null, null, a, r.changeSeq(), r.unreadable());
            } else {
                try {
                    HeadsCache.Entry e = kept.getOrDefault(r.objectId(), HeadsCache.Entry.NONE);
                    Built b = stored(h, sql, engine, tenant, r, a, deferPayloads, payloads, e, cache);
                    o = b.object();
                    keep(cache, tenant, r, a, e, aliasTexts.get(r.objectId()), b.templates());
                } catch (RuntimeException e) {
                    o = new StoredObject(r.objectId(), null, null, a, r.changeSeq(), String.valueOf(e.getMessage()));
                }
            }
            found.put(o.objectId(), o);
        }
        return found;
    }

    /**
     * Keeps a readable object as just read, when the cache did not hold it so: its heads under the
     * hash of their text (the database's, or computed here), its aliases under the hash of
     * {@code aliasTexts} when they were read now (else as the cache held them).
     */
    private static void keep(HeadsCache cache, String tenant, RawObject r, ContextAliases a, HeadsCache.Entry kept,
                             List<String> aliasTexts, List<Op> templates) {
        boolean unchanged = kept.heads() == r.others() && aliasTexts == null && kept.templates() == templates;
        if (!cache.worthKeeping(r.headsChars(), a.latest() > 0) || unchanged) {
            return;
        }
        HeadsCache.Entry e;
        if (a.latest() == 0) {
            e = new HeadsCache.Entry(r.headsHash(), r.others(), r.headsChars(), null, null, List.of(), templates);
        } else if (aliasTexts == null) {
            e = new HeadsCache.Entry(r.headsHash(), r.others(), r.headsChars(), kept.aliasesHash(), kept.aliases(),
                    kept.aliasTexts(), templates);
        } else {
            e = new HeadsCache.Entry(r.headsHash(), r.others(), r.headsChars(), HeadsCache.aliasesHash(aliasTexts), a,
                    aliasTexts, templates);
        }
        cache.put(tenant, r.objectId(), e);
    }

    /**
     * The row as read: its other heads parsed from their text, or the cache's entry's when the
     * database left the text out as the one that entry was made from ({@code asKnown}: read with
     * {@code objects_by_ids_known}, which gives the hashes).
     */
    private static RawObject raw(ResultSet rs, boolean asKnown, HeadsCache.Entry kept, HeadsCache cache) throws SQLException {
        String id = rs.getString("object_id");
        String headsHash = asKnown ? rs.getString("heads_hash") : null;
        String aliasesHash = asKnown ? rs.getString("aliases_hash") : null;
        try {
            String text = rs.getString("other_heads");
            List<StoredForms.StoredHead> others;
            int chars;
            if (text == null && headsHash != null && headsHash.equals(kept.headsHash())) {
                cache.headsHit();
                others = kept.heads();
                chars = kept.headsChars();
            } else {
                if (kept.headsHash() != null) {
                    cache.headsChanged();
                }
                others = StoredForms.parseOtherHeads(text);
                chars = text == null ? 0 : text.length();
            }
            MaterializedObject view = materialized(rs);
            if (!asKnown && text != null && cache.worthKeeping(chars, ContextAliases.namesAlias(view.context()))) {
                headsHash = HeadsCache.hash(text);
            }
            return new RawObject(id, winner(rs, id), others, view, rs.getLong("change_seq"), null, headsHash, chars,
                    aliasesHash);
        } catch (RuntimeException e) {
            // Whatever the library wrote reads back; anything else was written behind its back.
            return new RawObject(id, null, null, null, rs.getLong("change_seq"), String.valueOf(e.getMessage()),
                    null, 0, null);
        }
    }

    /** A stored object as built from its row, with its other heads as ops for the heads cache ({@link HeadsCache.Entry#templates}). */
    private record Built(StoredObject object, List<Op> templates) {
    }

    /**
     * The stored object of a readable row with its aliases {@code a}; throws what makes it
     * unreadable. The other heads' ops come from {@code kept}'s templates when the row's heads and
     * aliases are the ones they were built from, each given its payload of this read.
     */
    private static Built stored(Handle h, Sql sql, MergeEngine engine, String tenant, RawObject r, ContextAliases a,
                                boolean deferPayloads, Map<String, String> payloads, HeadsCache.Entry kept,
                                HeadsCache cache) {
        List<StoredForms.StoredHead> others = r.others();
        List<Op> templates = others == kept.heads() && a == kept.aliasesOrNone() ? kept.templates() : null;
        List<Op> made = templates == null ? new ArrayList<>(others.size()) : null;
        List<Op> expanded = new ArrayList<>(others.size() + 1);
        expanded.add(StoredAliases.expand(a, r.winner()));
        boolean inline = false;
        int keptPayloads = 0;
        Payload.Source journal = deferPayloads ? deferredPayloads(h, sql, tenant, r.objectId(), others) : null;
        for (int i = 0; i < others.size(); i++) {
            StoredForms.StoredHead head = others.get(i);
            inline |= head.inlinePayload() != null;
            Op op;
            if (templates != null && (!head.payloadInJournal() || templates.get(i).payload() != HeadsCache.TEMPLATE_PAYLOAD)) {
                // A delete, or an update whose payload the entry keeps (the one the head's digest names).
                op = templates.get(i);
                keptPayloads += head.payloadInJournal() ? 1 : 0;
                expanded.add(op);
                continue;
            }
            Payload payload = !head.payloadInJournal() ? null
                    : deferPayloads ? journal.payload(head.opId()) : journalPayload(payloads, head, r.objectId());
            if (templates != null) {
                op = templates.get(i).withPayload(payload);
            } else {
                op = StoredAliases.expand(a, payload != null ? head.op(r.objectId(), payload)
                        : head.op(r.objectId(), (String) null));
                made.add(payload == null ? op : op.withPayload(HeadsCache.TEMPLATE_PAYLOAD));
            }
            expanded.add(op);
        }
        // The row's heads are what a merge left, so they are mutually concurrent, and
        // (since 0.1.0) stored from the winner down in rank order: read back without
        // comparing payloads, in O(n), not restore's O(n^2). Rows from before
        // keep payloads inline and op-id order, so they are ranked again. Replay in
        // verify mode checks both against the journal.
        if (keptPayloads > 0) {
            cache.payloadHits(keptPayloads);
        }
        VectorClock context = a.expand(r.view().context());
        ObjectState state = inline ? engine.fromHeads(r.objectId(), expanded, context)
                : engine.fromRankedHeads(r.objectId(), expanded, context);
        // Each other head as stored (the list as read), for the next write of the row to copy its text.
        return new Built(new StoredObject(r.objectId(), state, r.view(), a, r.changeSeq(), null, others),
                templates != null ? templates : made);
    }

    /** The payload of a head from the journal rows read for all heads at once. */
    private static Payload journalPayload(Map<String, String> payloads, StoredForms.StoredHead head, String objectId) {
        String text = payloads.get(head.opId());
        if (text == null) {
            throw new IllegalStateException("head " + head.opId() + " of object \"" + objectId + "\" has no journal row");
        }
        return Payload.ofCanonicalJson(text);
    }

    static ConflictRecord conflict(ResultSet rs) throws SQLException {
        return new ConflictRecord(rs.getLong("journal_seq"), rs.getString("object_id"), rs.getString("object_type"),
                rs.getString("winner_op_id"), rs.getString("loser_op_id"),
                dev.syncmat.core.merge.ConflictReason.of(rs.getString("reason")), instant(rs, "created_at"),
                rs.getInt("met_heads"));
    }

    /** Stored conflict records of the given objects, by object id. One round trip. */
    static Map<String, List<ConflictRecord>> conflictsByObjects(Handle h, Sql sql, String tenant, Collection<String> objectIds) {
        Map<String, List<ConflictRecord>> found = new HashMap<>();
        if (!objectIds.isEmpty()) {
            sql.query(h, "conflicts_by_objects").bind("tenant", tenant).bindArray("keys", String.class, objectIds)
                    .map((rs, ctx) -> conflict(rs))
                    .forEach(c -> found.computeIfAbsent(c.objectId(), k -> new ArrayList<>()).add(c));
        }
        return found;
    }

    /** Stored tag rows of the given objects, by object id. One round trip. */
    static Map<String, java.util.Set<String>> tagsByObjects(Handle h, Sql sql, String tenant, Collection<String> objectIds) {
        Map<String, java.util.Set<String>> found = new HashMap<>();
        if (!objectIds.isEmpty()) {
            sql.query(h, "tags_by_objects").bind("tenant", tenant).bindArray("keys", String.class, objectIds)
                    .map((rs, ctx) -> Map.entry(rs.getString("object_id"), rs.getString("tag")))
                    .forEach(e -> found.computeIfAbsent(e.getKey(), k -> new java.util.HashSet<>()).add(e.getValue()));
        }
        return found;
    }

    /** The client's view of an object row (no heads needed). */
    static MaterializedObject materialized(ResultSet rs) throws SQLException {
        boolean deleted = rs.getBoolean("is_tombstone");
        String payload = rs.getString("payload");
        return new MaterializedObject(rs.getString("object_id"), rs.getString("object_type"),
                StoredForms.parseTags(rs.getString("tags")), payload == null ? null : Payload.ofCanonicalJson(payload),
                deleted, StoredForms.parseClock(rs.getString("vector_clock")),
                StoredForms.parseClock(rs.getString("context_clock")), rs.getString("winner_op_id"), rs.getInt("head_count"));
    }
}
