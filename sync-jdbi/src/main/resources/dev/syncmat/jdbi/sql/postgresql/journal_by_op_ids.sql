-- One index probe per key (a LATERAL subquery with OFFSET 0 is not flattened into a hash join), so
-- the lookup costs O(batch) whatever the size of the tenant's journal; "op_id = ANY(:keys)" lets
-- the planner pick a scan of the journal.
SELECT j.journal_seq, j.op_id, j.object_id, j.object_type, j.is_delete, j.vector_clock, j.payload, j.tags,
       j.client_timestamp, j.received_at
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_journal x WHERE x.tenant_id = :tenant AND x.op_id = keys.k OFFSET 0) j
