-- journal_insert and conflicts_insert in one statement, one round trip: the WITH part inserts the
-- journal rows, the main part the conflict records (parameters prefixed c_). Both run exactly
-- once; a failure of either (a unique op id taken) fails the statement and writes nothing.
WITH journal AS (
    INSERT INTO <s>sync_journal (tenant_id, journal_seq, op_id, object_id, object_type, is_delete, vector_clock,
                                 payload, tags, client_timestamp, received_at)
    SELECT :tenant, r.journal_seq, r.op_id, r.object_id, r.object_type, r.is_delete, r.vector_clock, r.payload, r.tags,
           r.client_timestamp, r.received_at
    FROM unnest(CAST(:journalSeq AS bigint[]), CAST(:opId AS text[]), CAST(:objectId AS text[]),
                CAST(:objectType AS text[]), CAST(:isDelete AS boolean[]), CAST(:clock AS text[]),
                CAST(:payload AS text[]), CAST(:tags AS text[]), CAST(:clientTimestamp AS text[]),
                CAST(:receivedAt AS timestamptz[]))
         AS r(journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload, tags, client_timestamp,
              received_at)
)
INSERT INTO <s>sync_conflicts (tenant_id, journal_seq, winner_op_id, loser_op_id, object_id, object_type, reason,
                               created_at, met_heads)
SELECT :tenant, c.journal_seq, c.winner_op_id, c.loser_op_id, c.object_id, c.object_type, c.reason, c.created_at,
       c.met_heads
FROM unnest(CAST(:c_journalSeq AS bigint[]), CAST(:c_winnerOpId AS text[]), CAST(:c_loserOpId AS text[]),
            CAST(:c_objectId AS text[]), CAST(:c_objectType AS text[]), CAST(:c_reason AS text[]),
            CAST(:c_createdAt AS timestamptz[]), CAST(:c_metHeads AS integer[]))
     AS c(journal_seq, winner_op_id, loser_op_id, object_id, object_type, reason, created_at, met_heads)
