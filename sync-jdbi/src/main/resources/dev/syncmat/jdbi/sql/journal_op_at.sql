-- The op id at one journal position: what a cursor's fingerprint is checked against.
SELECT op_id
FROM <s>sync_journal
WHERE tenant_id = :tenant AND journal_seq = :journalSeq
