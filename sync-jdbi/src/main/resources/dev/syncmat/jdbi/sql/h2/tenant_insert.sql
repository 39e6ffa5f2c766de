-- A concurrent insert of the same tenant can still raise a duplicate key (23505); the caller
-- ignores it (H2 rolls back only the failed statement).
INSERT INTO <s>sync_tenants (tenant_id, journal_seq, change_seq, epoch)
SELECT :tenant, 0, 0, :epoch
WHERE NOT EXISTS (SELECT 1 FROM <s>sync_tenants WHERE tenant_id = :tenant)
