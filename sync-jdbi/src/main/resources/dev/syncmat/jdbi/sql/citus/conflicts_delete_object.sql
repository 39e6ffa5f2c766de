-- Deletes the rows of the given objects. Citus cannot plan PostgreSQL's delete by physical address
-- (ctid), so this names the tenant and the ids: the tenant filter routes it to one shard, where
-- the (tenant_id, object_id) index finds the rows.
DELETE FROM <s>sync_conflicts
WHERE tenant_id = :tenant
  AND object_id = ANY(CAST(:objectId AS text[]))
