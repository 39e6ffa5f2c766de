-- One object that already has a row (PostgresDialect writes a batch of one this way, without
-- arrays: an object with many heads has a long other_heads, which an array literal would escape
-- and the server parse again). The row was read under the tenant's lock, so it takes the
-- conflict branch.
INSERT INTO <s>sync_objects (tenant_id, object_id, object_type, payload, is_tombstone, vector_clock, context_clock,
                             winner_op_id, winner_timestamp, tags, head_count, other_heads, change_seq, updated_at)
VALUES (:tenant, :objectId, :objectType, :payload, :isTombstone, :clock, :context,
        :winnerOpId, :winnerTimestamp, :tags, :headCount, :otherHeads, :changeSeq, :updatedAt)
ON CONFLICT (tenant_id, object_id) DO UPDATE
SET object_type = EXCLUDED.object_type, payload = EXCLUDED.payload, is_tombstone = EXCLUDED.is_tombstone,
    vector_clock = EXCLUDED.vector_clock, context_clock = EXCLUDED.context_clock,
    winner_op_id = EXCLUDED.winner_op_id, winner_timestamp = EXCLUDED.winner_timestamp, tags = EXCLUDED.tags,
    head_count = EXCLUDED.head_count, other_heads = EXCLUDED.other_heads, change_seq = EXCLUDED.change_seq,
    updated_at = EXCLUDED.updated_at
