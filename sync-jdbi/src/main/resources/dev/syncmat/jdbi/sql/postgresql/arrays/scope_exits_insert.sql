INSERT INTO <s>sync_scope_exits (tenant_id, scope_kind, scope_value, change_seq, object_id)
SELECT :tenant, r.scope_kind, r.scope_value, r.change_seq, r.object_id
FROM unnest(CAST(:scopeKind AS text[]), CAST(:scopeValue AS text[]), CAST(:changeSeq AS bigint[]),
            CAST(:objectId AS text[])) AS r(scope_kind, scope_value, change_seq, object_id)
