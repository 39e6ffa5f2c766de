-- Conflict records counted by reason and object type, filtered where the marker stands.
SELECT reason, object_type, COUNT(*) AS n
FROM <s>sync_conflicts
WHERE tenant_id = :tenant
  /*filters*/
GROUP BY reason, object_type
