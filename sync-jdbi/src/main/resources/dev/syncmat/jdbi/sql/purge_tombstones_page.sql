-- The next page of tombstones that purge turns into graves: a delete as the only head, last written
-- before the horizon. Keyset pagination on the primary key; the filter is checked row by row.
SELECT object_id, object_type, vector_clock, winner_op_id, winner_timestamp, tags, change_seq
FROM <s>sync_objects
WHERE tenant_id = :tenant
  AND object_id > :after
  AND is_tombstone AND head_count = 1 AND updated_at < :before
ORDER BY tenant_id, object_id
LIMIT :limit
