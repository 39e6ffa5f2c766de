DELETE FROM <s>sync_conflicts
WHERE tenant_id = :tenant AND object_id = ANY(CAST(:objectId AS text[]))
