INSERT INTO <s>sync_object_tags (tenant_id, object_id, tag, change_seq)
SELECT :tenant, r.object_id, r.tag, r.change_seq
FROM unnest(CAST(:objectId AS text[]), CAST(:tag AS text[]), CAST(:changeSeq AS bigint[])) AS r(object_id, tag, change_seq)
