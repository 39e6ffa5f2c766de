SELECT journal_seq, change_seq
FROM <s>sync_tenants
WHERE tenant_id = :tenant
