-- The tag rows of objects whose winner kept its tags move to the objects' new change sequence: one
-- statement for the push, each object's rows found by the primary key's (tenant_id, object_id) prefix.
UPDATE <s>sync_object_tags g
SET change_seq = r.change_seq
FROM unnest(CAST(:objectId AS text[]), CAST(:changeSeq AS bigint[])) AS r(object_id, change_seq)
WHERE g.tenant_id = :tenant AND g.object_id = r.object_id
