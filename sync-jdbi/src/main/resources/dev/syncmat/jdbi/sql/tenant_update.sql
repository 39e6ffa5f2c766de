UPDATE <s>sync_tenants
SET journal_seq = :journalSeq, change_seq = :changeSeq
WHERE tenant_id = :tenant
