-- Objects a tag-scoped pull must look at, in change order: those whose winner has one of the tags
-- now (at their change), and those a change took out of one of the tags. Each tag's index is read
-- in change order and stops at the page's limit (a LATERAL subquery per tag), so a page costs
-- O(tags x page), whatever the tenant or the tags hold. The caller decides, from each object's
-- current row, whether it is an object of the page or a removal.
SELECT object_id, change_seq FROM (
    SELECT c.object_id, c.change_seq
    FROM unnest(CAST(:keys AS text[])) AS k(v)
    CROSS JOIN LATERAL (SELECT g.object_id, g.change_seq FROM <s>sync_object_tags g
                        WHERE g.tenant_id = :tenant AND g.tag = k.v AND g.change_seq > :since AND g.change_seq <= :head
                        ORDER BY g.change_seq LIMIT :limit) c
    UNION
    SELECT e.object_id, e.change_seq
    FROM unnest(CAST(:keys AS text[])) AS k(v)
    CROSS JOIN LATERAL (SELECT x.object_id, x.change_seq FROM <s>sync_scope_exits x
                        WHERE x.tenant_id = :tenant AND x.scope_kind = 'tag' AND x.scope_value = k.v
                          AND x.change_seq > :since AND x.change_seq <= :head
                        ORDER BY x.change_seq LIMIT :limit) e
) u
ORDER BY change_seq
LIMIT :limit
