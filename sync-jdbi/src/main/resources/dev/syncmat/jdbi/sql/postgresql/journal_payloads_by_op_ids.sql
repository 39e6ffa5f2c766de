-- The payloads of the given op ids: the other heads of objects being merged or served, whose rows
-- hold them by reference. One index probe per key, as in journal_by_op_ids.
SELECT j.op_id, j.payload
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT x.op_id, x.payload FROM <s>sync_journal x WHERE x.tenant_id = :tenant AND x.op_id = keys.k OFFSET 0) j
