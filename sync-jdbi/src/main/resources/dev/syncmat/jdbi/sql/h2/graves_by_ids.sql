-- Joining a table function over the array lets H2 use the primary key; "= ANY(array)" would scan.
SELECT g.object_id, g.object_type, g.vector_clock, g.winner_op_id, g.winner_timestamp, g.tags, g.change_seq
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_graves g ON g.tenant_id = :tenant AND g.object_id = keys.k
