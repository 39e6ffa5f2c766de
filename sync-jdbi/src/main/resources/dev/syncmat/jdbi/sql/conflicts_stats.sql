SELECT reason, object_type, COUNT(*) AS n
FROM <s>sync_conflicts
WHERE tenant_id = :tenant
GROUP BY reason, object_type
