INSERT INTO <s>sync_conflicts (tenant_id, journal_seq, winner_op_id, loser_op_id, object_id, object_type, reason,
                               created_at, met_heads)
VALUES (:tenant, :conflictJournalSeq, :winnerOpId, :loserOpId, :conflictObjectId, :conflictObjectType, :reason, :createdAt, :metHeads)
