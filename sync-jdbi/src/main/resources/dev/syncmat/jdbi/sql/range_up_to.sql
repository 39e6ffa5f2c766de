  AND object_id <= :upTo
