-- Ids of stored objects after :after (and up to :upTo where the marker holds that bound), in the
-- journal's id order; replay compares them with the ids the journal holds to find rows written
-- behind the library's back, without a per-row anti-join.
SELECT tenant_id, object_id
FROM <s>sync_objects
WHERE tenant_id = :tenant
  AND object_id > :after
  /*upTo*/
ORDER BY tenant_id, object_id
LIMIT :limit
