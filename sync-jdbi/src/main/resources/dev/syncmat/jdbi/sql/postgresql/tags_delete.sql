DELETE FROM <s>sync_object_tags
WHERE tenant_id = :tenant AND object_id = ANY(CAST(:objectId AS text[]))
