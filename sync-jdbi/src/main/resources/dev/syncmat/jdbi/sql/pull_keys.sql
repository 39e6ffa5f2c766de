-- The first phase of a pull page: the change sequence and stored size of each object changed after
-- the cursor and at or before the head read at the start of the pull, in change order, without the
-- objects themselves. The page is cut from these by count and by bytes; its rows are then read in
-- chunks (pull.sql). Keyset pagination on (tenant_id, change_seq). Unscoped pulls only: a scoped
-- one starts from its scope's own indexes (pull_candidates_*).
SELECT o.change_seq,
       COALESCE(OCTET_LENGTH(o.payload), 0) + OCTET_LENGTH(o.vector_clock) + OCTET_LENGTH(o.context_clock)
           + OCTET_LENGTH(o.tags) + OCTET_LENGTH(o.object_id) + OCTET_LENGTH(o.object_type)
           + OCTET_LENGTH(o.winner_op_id) AS stored_bytes,
       COALESCE(OCTET_LENGTH(o.other_heads), 0) AS heads_bytes
FROM <s>sync_objects o
WHERE o.tenant_id = :tenant
  AND o.change_seq > :since
  AND o.change_seq <= :head
ORDER BY o.tenant_id, o.change_seq
LIMIT :limit
