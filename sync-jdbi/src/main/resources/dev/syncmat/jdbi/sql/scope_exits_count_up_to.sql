SELECT COUNT(*)
FROM <s>sync_scope_exits
WHERE tenant_id = :tenant AND change_seq <= :upTo
