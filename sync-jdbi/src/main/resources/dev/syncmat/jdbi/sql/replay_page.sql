-- One page of a tenant's journal, grouped by object: keyset pagination on the journal's
-- (tenant_id, object_id, journal_seq) index (tenant_id leads the ORDER BY so that H2, too, reads
-- the index in order and stops at the limit). The order only decides which page an object's rows
-- land in; each object is replayed in journal order and objects do not affect each other. (On
-- PostgreSQL the id columns are COLLATE "C", so this is byte order and follows the index.)
SELECT journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload, tags, client_timestamp, received_at
FROM <s>sync_journal
WHERE tenant_id = :tenant
  AND (object_id, journal_seq) > (:afterObject, :afterSeq)
ORDER BY tenant_id, object_id, journal_seq
LIMIT :limit
