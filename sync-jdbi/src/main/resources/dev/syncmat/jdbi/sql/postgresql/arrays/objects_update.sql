-- Objects that already have a row, in one statement (the row-wise objects_update runs on H2 and
-- Citus, and on PostgreSQL for one row). The rows were read under the tenant's lock, so every row
-- takes the conflict branch; an upsert over column arrays is used because an UPDATE joined to
-- unnested arrays may be planned as a scan.
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
ON CONFLICT (tenant_id, object_id) DO UPDATE
SET object_type = EXCLUDED.object_type, payload = EXCLUDED.payload, is_tombstone = EXCLUDED.is_tombstone,
    vector_clock = EXCLUDED.vector_clock, context_clock = EXCLUDED.context_clock,
    winner_op_id = EXCLUDED.winner_op_id, winner_timestamp = EXCLUDED.winner_timestamp, tags = EXCLUDED.tags,
    head_count = EXCLUDED.head_count, other_heads = EXCLUDED.other_heads, change_seq = EXCLUDED.change_seq,
    updated_at = EXCLUDED.updated_at
