-- The tag rows of an object whose winner kept its tags move to the object's new change sequence.
UPDATE <s>sync_object_tags
SET change_seq = :changeSeq
WHERE tenant_id = :tenant AND object_id = :objectId
