INSERT INTO <s>sync_object_tags (tenant_id, object_id, tag)
SELECT :tenant, r.object_id, r.tag
FROM unnest(CAST(:objectId AS text[]), CAST(:tag AS text[])) AS r(object_id, tag)
