-- A purge records the horizon it works to before it removes anything.
UPDATE <s>sync_tenants
SET horizon_at = :horizonAt, horizon_journal_seq = :horizonJournalSeq
WHERE tenant_id = :tenant
