-- An archived journal row (never a head at the horizon: see PurgeWork).
DELETE FROM <s>sync_journal
WHERE tenant_id = :tenant AND journal_seq = :journalSeq
