-- Objects an id-scoped pull must look at, in change order: the listed ones that changed.
SELECT o.object_id, o.change_seq
FROM <s>sync_objects o
WHERE o.tenant_id = :tenant AND o.object_id = ANY(:keys) AND o.change_seq > :since AND o.change_seq <= :head
ORDER BY o.change_seq
LIMIT :limit
