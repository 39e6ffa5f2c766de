-- One index range per object id (see journal_by_op_ids).
SELECT c.journal_seq, c.object_id, c.object_type, c.winner_op_id, c.loser_op_id, c.reason, c.created_at, c.met_heads
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_conflicts x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) c
