  AND o.object_id = ANY(:ids)
