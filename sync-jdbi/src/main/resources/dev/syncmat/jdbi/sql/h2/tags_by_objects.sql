SELECT t.object_id, t.tag
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_object_tags t ON t.tenant_id = :tenant AND t.object_id = keys.k
