-- The journal positions of the next batch of conflict records up to :upTo (those below were purged
-- already): a range of the primary key.
SELECT journal_seq
FROM <s>sync_conflicts
WHERE tenant_id = :tenant AND journal_seq <= :upTo
ORDER BY tenant_id, journal_seq
LIMIT :limit
