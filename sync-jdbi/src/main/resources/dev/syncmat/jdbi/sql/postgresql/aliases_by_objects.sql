-- One primary-key range per object id (see journal_by_op_ids).
SELECT a.object_id, a.alias_seq, a.clock
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_aliases x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) a
ORDER BY a.object_id, a.alias_seq
