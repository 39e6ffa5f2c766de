INSERT INTO <s>sync_aliases (tenant_id, object_id, alias_seq, journal_seq, clock, created_at)
SELECT :tenant, r.object_id, r.alias_seq, r.journal_seq, r.clock, r.created_at
FROM unnest(CAST(:objectId AS text[]), CAST(:aliasSeq AS bigint[]), CAST(:journalSeq AS bigint[]),
            CAST(:clock AS text[]), CAST(:createdAt AS timestamptz[]))
     AS r(object_id, alias_seq, journal_seq, clock, created_at)
