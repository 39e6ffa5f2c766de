-- Joining a table function over the array lets H2 use the primary key; "= ANY(array)" would scan.
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.winner_timestamp, o.tags, o.head_count, o.other_heads, o.change_seq
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_objects o ON o.tenant_id = :tenant AND o.object_id = keys.k
