-- Deletes the rows of the given objects. The rows are found with one index probe per id (see
-- journal_by_op_ids) and deleted by physical address, so the statement never scans the table.
-- Safe because writes of the tenant hold its counter row lock: no row moves in between.
DELETE FROM <s>sync_object_tags
WHERE ctid = ANY(ARRAY(
    SELECT x.ctid
    FROM unnest(CAST(:objectId AS text[])) AS keys(k)
    CROSS JOIN LATERAL (SELECT ctid FROM <s>sync_object_tags y WHERE y.tenant_id = :tenant AND y.object_id = keys.k OFFSET 0) x))
