-- Joining a table function over the array lets H2 use the unique index; "= ANY(array)" would scan.
SELECT j.journal_seq, j.op_id, j.object_id, j.object_type, j.is_delete, j.vector_clock, j.payload, j.tags,
       j.client_timestamp, j.received_at
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_journal j ON j.tenant_id = :tenant AND j.op_id = keys.k
