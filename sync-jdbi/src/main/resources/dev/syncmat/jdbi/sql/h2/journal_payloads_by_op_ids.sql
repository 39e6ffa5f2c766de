-- The payloads of the given op ids: the other heads of objects being merged or served, whose rows
-- hold them by reference. Joining a table function over the array lets H2 use the unique index.
SELECT j.op_id, j.payload
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_journal j ON j.tenant_id = :tenant AND j.op_id = keys.k
