-- All journal rows of a push in one statement: one array per column, unnested together.
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
