-- Objects a push creates, in one statement (the rows were found missing under the tenant's lock,
-- so a plain insert: cheaper than the upsert used for objects that already have a row).
INSERT INTO <s>sync_objects (tenant_id, object_id, object_type, payload, is_tombstone, vector_clock, context_clock,
                             winner_op_id, winner_timestamp, tags, head_count, other_heads, change_seq, updated_at)
SELECT :tenant, r.object_id, r.object_type, r.payload, r.is_tombstone, r.vector_clock, r.context_clock,
       r.winner_op_id, r.winner_timestamp, r.tags, r.head_count, r.other_heads, r.change_seq, r.updated_at
FROM unnest(CAST(:objectId AS text[]), CAST(:objectType AS text[]), CAST(:payload AS text[]),
            CAST(:isTombstone AS boolean[]), CAST(:clock AS text[]), CAST(:context AS text[]),
            CAST(:winnerOpId AS text[]), CAST(:winnerTimestamp AS text[]), CAST(:tags AS text[]),
            CAST(:headCount AS integer[]), CAST(:otherHeads AS text[]), CAST(:changeSeq AS bigint[]),
            CAST(:updatedAt AS timestamptz[]))
     AS r(object_id, object_type, payload, is_tombstone, vector_clock, context_clock, winner_op_id, winner_timestamp,
          tags, head_count, other_heads, change_seq, updated_at)
