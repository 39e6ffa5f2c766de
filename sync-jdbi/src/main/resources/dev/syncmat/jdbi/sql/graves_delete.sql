DELETE FROM <s>sync_graves
WHERE tenant_id = :tenant AND object_id = :objectId
