-- Objects a tag-scoped pull must look at, in change order: those whose winner has one of the tags
-- now (at their change), and those a change took out of one of the tags. Each row is an
-- (object, change) pair; the caller decides, from the object's current row, whether it is an
-- object of the page or a removal.
SELECT object_id, change_seq FROM (
    SELECT g.object_id, g.change_seq
    FROM <s>sync_object_tags g
    WHERE g.tenant_id = :tenant AND g.tag = ANY(:keys) AND g.change_seq > :since AND g.change_seq <= :head
    UNION
    SELECT x.object_id, x.change_seq
    FROM <s>sync_scope_exits x
    WHERE x.tenant_id = :tenant AND x.scope_kind = 'tag' AND x.scope_value = ANY(:keys)
      AND x.change_seq > :since AND x.change_seq <= :head
) c
ORDER BY change_seq
LIMIT :limit
