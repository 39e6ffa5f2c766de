-- One primary-key probe per id (see objects_by_ids).
SELECT g.object_id, g.object_type, g.vector_clock, g.winner_op_id, g.winner_timestamp, g.tags, g.change_seq
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_graves x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) g
