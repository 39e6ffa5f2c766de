-- Object ids that have conflict records, after :after (and up to :upTo where the marker holds
-- that bound), in id order; see object_ids_in_range.
SELECT DISTINCT tenant_id, object_id
FROM <s>sync_conflicts
WHERE tenant_id = :tenant
  AND object_id > :after
  /*upTo*/
ORDER BY tenant_id, object_id
LIMIT :limit
