-- Locks the tenant's counter row for the rest of the transaction: pushes of one tenant take
-- their sequence numbers one after another, in commit order.
SELECT journal_seq, change_seq, epoch, head_op_id, policy_id, horizon_journal_seq, horizon_change_seq, previous_epoch
FROM <s>sync_tenants
WHERE tenant_id = :tenant
FOR UPDATE
