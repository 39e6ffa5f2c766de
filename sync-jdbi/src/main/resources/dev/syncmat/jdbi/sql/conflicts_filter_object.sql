  AND object_id = :objectId
