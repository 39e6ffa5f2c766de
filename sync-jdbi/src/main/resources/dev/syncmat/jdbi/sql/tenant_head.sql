SELECT journal_seq, change_seq, epoch, head_op_id, policy_id
FROM <s>sync_tenants
WHERE tenant_id = :tenant
