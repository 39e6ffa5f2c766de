-- What a scoped pull needs to decide about each candidate, without the payloads: its current type,
-- tags, change sequence and stored size.
SELECT o.object_id, o.object_type, o.tags, o.change_seq,
       COALESCE(OCTET_LENGTH(o.payload), 0) + OCTET_LENGTH(o.vector_clock) + OCTET_LENGTH(o.context_clock)
           + OCTET_LENGTH(o.tags) + OCTET_LENGTH(o.object_id) + OCTET_LENGTH(o.object_type)
           + OCTET_LENGTH(o.winner_op_id) AS stored_bytes,
       COALESCE(OCTET_LENGTH(o.other_heads), 0) AS heads_bytes
FROM TABLE(k CHARACTER VARYING = :keys) keys
JOIN <s>sync_objects o ON o.tenant_id = :tenant AND o.object_id = keys.k
