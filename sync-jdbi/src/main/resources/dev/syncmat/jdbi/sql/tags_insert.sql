INSERT INTO <s>sync_object_tags (tenant_id, object_id, tag, change_seq)
VALUES (:tenant, :objectId, :tag, :changeSeq)
