INSERT INTO <s>sync_scope_exits (tenant_id, scope_kind, scope_value, change_seq, object_id)
VALUES (:tenant, :scopeKind, :scopeValue, :changeSeq, :objectId)
