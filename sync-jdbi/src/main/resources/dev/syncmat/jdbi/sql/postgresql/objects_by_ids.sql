-- One primary-key probe per id: O(batch) whatever the size of the tenant (see journal_by_op_ids).
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.winner_timestamp, o.tags, o.head_count, o.other_heads, o.change_seq
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_objects x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) o
