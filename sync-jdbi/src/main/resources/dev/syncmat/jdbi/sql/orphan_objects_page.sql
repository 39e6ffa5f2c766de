-- Objects that have a row but no journal entry (written behind the library's back).
SELECT o.object_id, o.change_seq
FROM <s>sync_objects o
WHERE o.tenant_id = :tenant
  AND o.change_seq > :afterSeq
  AND NOT EXISTS (SELECT 1 FROM <s>sync_journal j WHERE j.tenant_id = o.tenant_id AND j.object_id = o.object_id)
ORDER BY o.tenant_id, o.change_seq
LIMIT :limit
