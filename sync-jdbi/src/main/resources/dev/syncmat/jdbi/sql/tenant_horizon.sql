SELECT horizon_at
FROM <s>sync_tenants
WHERE tenant_id = :tenant
