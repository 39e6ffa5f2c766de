UPDATE <s>sync_objects
SET object_type = :objectType, payload = :payload, is_tombstone = :isTombstone, vector_clock = :clock,
    context_clock = :context, winner_op_id = :winnerOpId, winner_timestamp = :winnerTimestamp, tags = :tags,
    head_count = :headCount, other_heads = :otherHeads, change_seq = :changeSeq, updated_at = :updatedAt
WHERE tenant_id = :tenant AND object_id = :objectId
