SELECT journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload, tags, client_timestamp, received_at
FROM <s>sync_journal
WHERE tenant_id = :tenant AND op_id = ANY(:keys)
