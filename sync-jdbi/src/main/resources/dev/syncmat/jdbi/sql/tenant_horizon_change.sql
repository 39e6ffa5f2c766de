-- In the transaction that removes rows up to a change number: cursors below it are expired from then on.
UPDATE <s>sync_tenants
SET horizon_change_seq = :horizonChangeSeq
WHERE tenant_id = :tenant AND horizon_change_seq < :horizonChangeSeq
