SELECT a.object_id, a.alias_seq, a.clock
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_aliases a ON a.tenant_id = :tenant AND a.object_id = keys.k
ORDER BY a.object_id, a.alias_seq
