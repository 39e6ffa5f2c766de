-- Conflict records of the journal positions (:from, :to]: a range of the primary key.
DELETE FROM <s>sync_conflicts
WHERE tenant_id = :tenant AND journal_seq > :from AND journal_seq <= :to
