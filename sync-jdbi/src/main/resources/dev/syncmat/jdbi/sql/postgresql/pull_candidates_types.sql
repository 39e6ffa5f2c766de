-- Objects a type-scoped pull must look at, in change order (see pull_candidates_tags): the type
-- index and the exits of each type, each read in change order up to the page's limit.
SELECT object_id, change_seq FROM (
    SELECT c.object_id, c.change_seq
    FROM unnest(CAST(:keys AS text[])) AS k(v)
    CROSS JOIN LATERAL (SELECT o.object_id, o.change_seq FROM <s>sync_objects o
                        WHERE o.tenant_id = :tenant AND o.object_type = k.v AND o.change_seq > :since
                          AND o.change_seq <= :head
                        ORDER BY o.change_seq LIMIT :limit) c
    UNION
    SELECT e.object_id, e.change_seq
    FROM unnest(CAST(:keys AS text[])) AS k(v)
    CROSS JOIN LATERAL (SELECT x.object_id, x.change_seq FROM <s>sync_scope_exits x
                        WHERE x.tenant_id = :tenant AND x.scope_kind = 'type' AND x.scope_value = k.v
                          AND x.change_seq > :since AND x.change_seq <= :head
                        ORDER BY x.change_seq LIMIT :limit) e
) u
ORDER BY change_seq
LIMIT :limit
