SELECT COUNT(*)
FROM <s>sync_conflicts
WHERE tenant_id = :tenant AND journal_seq <= :upTo
