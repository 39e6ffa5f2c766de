-- Objects an id-scoped pull must look at, in change order: one primary-key probe per listed id.
SELECT c.object_id, c.change_seq
FROM unnest(CAST(:keys AS text[])) AS k(v)
CROSS JOIN LATERAL (SELECT o.object_id, o.change_seq FROM <s>sync_objects o
                    WHERE o.tenant_id = :tenant AND o.object_id = k.v AND o.change_seq > :since
                      AND o.change_seq <= :head OFFSET 0) c
ORDER BY c.change_seq
LIMIT :limit
