-- The aliases of one object, in order.
SELECT object_id, alias_seq, clock
FROM <s>sync_aliases
WHERE tenant_id = :tenant AND object_id = :objectId
ORDER BY tenant_id, object_id, alias_seq
