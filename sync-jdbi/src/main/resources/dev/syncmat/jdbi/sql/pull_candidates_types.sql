-- Objects a type-scoped pull must look at, in change order (see pull_candidates_tags).
SELECT object_id, change_seq FROM (
    SELECT o.object_id, o.change_seq
    FROM <s>sync_objects o
    WHERE o.tenant_id = :tenant AND o.object_type = ANY(:keys) AND o.change_seq > :since AND o.change_seq <= :head
    UNION
    SELECT x.object_id, x.change_seq
    FROM <s>sync_scope_exits x
    WHERE x.tenant_id = :tenant AND x.scope_kind = 'type' AND x.scope_value = ANY(:keys)
      AND x.change_seq > :since AND x.change_seq <= :head
) c
ORDER BY change_seq
LIMIT :limit
