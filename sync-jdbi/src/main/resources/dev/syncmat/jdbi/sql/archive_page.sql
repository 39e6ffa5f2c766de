-- One page of the journal before the horizon, grouped by object, as replay_page reads it.
SELECT journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload, tags, client_timestamp, received_at
FROM <s>sync_journal
WHERE tenant_id = :tenant
  AND (object_id, journal_seq) > (:afterObject, :afterSeq)
  AND journal_seq <= :upTo
ORDER BY tenant_id, object_id, journal_seq
LIMIT :limit
