-- Conflict records in journal order, filtered where the marker stands. Read as a stream; records
-- of one journal position are put in a deterministic order by the caller.
SELECT journal_seq, object_id, object_type, winner_op_id, loser_op_id, reason, created_at, met_heads
FROM <s>sync_conflicts
WHERE tenant_id = :tenant
  /*filters*/
ORDER BY tenant_id, journal_seq
