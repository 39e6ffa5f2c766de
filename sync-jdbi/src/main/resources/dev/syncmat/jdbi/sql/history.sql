-- The journal of one object, in journal order. Read as a stream.
SELECT journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload, tags, client_timestamp, received_at
FROM <s>sync_journal
WHERE tenant_id = :tenant AND object_id = :objectId
ORDER BY tenant_id, object_id, journal_seq
