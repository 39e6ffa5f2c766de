INSERT INTO <s>sync_object_tags (tenant_id, object_id, tag)
VALUES (:tenant, :objectId, :tag)
