-- Conflict records of objects that have no journal entry.
SELECT c.object_id, c.journal_seq
FROM <s>sync_conflicts c
WHERE c.tenant_id = :tenant
  AND c.journal_seq > :afterSeq
  AND NOT EXISTS (SELECT 1 FROM <s>sync_journal j WHERE j.tenant_id = c.tenant_id AND j.object_id = c.object_id)
ORDER BY c.tenant_id, c.journal_seq
LIMIT :limit
