SELECT journal_seq, change_seq, epoch, head_op_id, policy_id, horizon_journal_seq, horizon_change_seq, previous_epoch
FROM <s>sync_tenants
WHERE tenant_id = :tenant
