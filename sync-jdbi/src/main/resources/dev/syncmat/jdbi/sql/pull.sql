-- One page of a pull: objects changed after the cursor and at or before the head read at the
-- start of the pull, in change order. Keyset pagination on (tenant_id, change_seq); the scope
-- filters are appended where the marker stands.
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.tags, o.head_count, o.change_seq
FROM <s>sync_objects o
WHERE o.tenant_id = :tenant
  AND o.change_seq > :since
  AND o.change_seq <= :head
  /*scope*/
ORDER BY o.tenant_id, o.change_seq
LIMIT :limit
