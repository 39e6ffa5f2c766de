SELECT journal_seq, object_id, object_type, winner_op_id, loser_op_id, reason, created_at
FROM <s>sync_conflicts
WHERE tenant_id = :tenant AND object_id = ANY(:keys)
