INSERT INTO <s>sync_conflicts (tenant_id, journal_seq, winner_op_id, loser_op_id, object_id, object_type, reason,
                               created_at, met_heads)
SELECT :tenant, r.journal_seq, r.winner_op_id, r.loser_op_id, r.object_id, r.object_type, r.reason, r.created_at,
       r.met_heads
FROM unnest(CAST(:conflictJournalSeq AS bigint[]), CAST(:winnerOpId AS text[]), CAST(:loserOpId AS text[]),
            CAST(:conflictObjectId AS text[]), CAST(:conflictObjectType AS text[]), CAST(:reason AS text[]),
            CAST(:createdAt AS timestamptz[]), CAST(:metHeads AS integer[]))
     AS r(journal_seq, winner_op_id, loser_op_id, object_id, object_type, reason, created_at, met_heads)
