SELECT object_id, object_type, payload, is_tombstone, vector_clock, context_clock, winner_op_id, tags, head_count,
       change_seq
FROM <s>sync_objects
WHERE tenant_id = :tenant AND object_id = :objectId
