DELETE FROM <s>sync_objects
WHERE tenant_id = :tenant AND object_id = ANY(CAST(:objectId AS text[]))
