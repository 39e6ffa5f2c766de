-- Exits at or below the horizon's change number: no cursor that is still served can ask for them.
DELETE FROM <s>sync_scope_exits
WHERE tenant_id = :tenant AND change_seq <= :upTo
