INSERT INTO <s>sync_aliases (tenant_id, object_id, alias_seq, journal_seq, clock, created_at)
VALUES (:tenant, :objectId, :aliasSeq, :journalSeq, :clock, :createdAt)
