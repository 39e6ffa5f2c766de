-- What purge would turn into graves (a dry run): how many, and the highest change number among them.
SELECT COUNT(*) AS n, COALESCE(MAX(change_seq), 0) AS max_change_seq
FROM <s>sync_objects
WHERE tenant_id = :tenant
  AND is_tombstone AND head_count = 1 AND updated_at < :before
