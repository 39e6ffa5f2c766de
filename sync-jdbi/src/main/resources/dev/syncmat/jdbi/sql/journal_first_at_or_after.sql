-- The first journal position received at or after an instant: the journal before it is the prefix
-- older than a retention horizon.
SELECT MIN(journal_seq) AS first_seq
FROM <s>sync_journal
WHERE tenant_id = :tenant AND received_at >= :before
