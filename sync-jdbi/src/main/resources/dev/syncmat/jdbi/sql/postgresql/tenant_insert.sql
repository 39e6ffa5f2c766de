-- Waits for a concurrent insert of the same tenant instead of failing, so it is safe inside a
-- caller's transaction.
INSERT INTO <s>sync_tenants (tenant_id, journal_seq, change_seq, epoch)
VALUES (:tenant, 0, 0, :epoch)
ON CONFLICT (tenant_id) DO NOTHING
