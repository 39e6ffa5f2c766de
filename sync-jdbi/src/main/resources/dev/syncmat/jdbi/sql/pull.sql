-- One chunk of an unscoped pull page: objects changed in (since, head], in change order. Keyset
-- pagination on (tenant_id, change_seq); the page was cut by pull_keys.
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.tags, o.head_count, o.other_heads, o.change_seq
FROM <s>sync_objects o
WHERE o.tenant_id = :tenant
  AND o.change_seq > :since
  AND o.change_seq <= :head
ORDER BY o.tenant_id, o.change_seq
LIMIT :limit
