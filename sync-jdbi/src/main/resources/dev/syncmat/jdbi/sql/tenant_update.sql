UPDATE <s>sync_tenants
SET journal_seq = :journalSeq, change_seq = :changeSeq, head_op_id = :headOpId
WHERE tenant_id = :tenant
