  AND o.object_type = ANY(:types)
