SELECT c.journal_seq, c.object_id, c.object_type, c.winner_op_id, c.loser_op_id, c.reason, c.created_at, c.met_heads
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_conflicts c ON c.tenant_id = :tenant AND c.object_id = keys.k
