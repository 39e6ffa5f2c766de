INSERT INTO <s>sync_objects (tenant_id, object_id, object_type, payload, is_tombstone, vector_clock, context_clock,
                             winner_op_id, winner_timestamp, tags, head_count, other_heads, change_seq, updated_at)
VALUES (:tenant, :objectId, :objectType, :payload, :isTombstone, :clock, :context,
        :winnerOpId, :winnerTimestamp, :tags, :headCount, :otherHeads, :changeSeq, :updatedAt)
