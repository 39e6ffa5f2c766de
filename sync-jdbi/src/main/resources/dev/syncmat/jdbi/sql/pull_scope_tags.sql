  AND EXISTS (SELECT 1 FROM <s>sync_object_tags g
              WHERE g.tenant_id = o.tenant_id AND g.object_id = o.object_id AND g.tag = ANY(:tags))
