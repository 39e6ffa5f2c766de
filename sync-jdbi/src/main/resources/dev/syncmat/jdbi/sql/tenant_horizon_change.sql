-- In the transaction that removes rows up to a change number: cursors below it are expired from
-- then on. A new epoch marks the cursors issued after this removal; those issued before name
-- previous_epoch and are checked against the horizon.
UPDATE <s>sync_tenants
SET horizon_change_seq = CASE WHEN horizon_change_seq < :horizonChangeSeq THEN :horizonChangeSeq ELSE horizon_change_seq END,
    previous_epoch = epoch,
    epoch = :epoch
WHERE tenant_id = :tenant
