-- One primary-key range per object id (see journal_by_op_ids).
SELECT t.object_id, t.tag
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_object_tags x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) t
