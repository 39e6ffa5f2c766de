SELECT object_id, object_type, payload, is_tombstone, vector_clock, context_clock, winner_op_id, winner_timestamp,
       tags, head_count, other_heads, change_seq
FROM <s>sync_objects
WHERE tenant_id = :tenant AND object_id = ANY(:keys)
