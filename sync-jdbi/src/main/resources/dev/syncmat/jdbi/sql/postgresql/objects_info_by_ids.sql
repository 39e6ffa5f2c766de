-- What a scoped pull needs to decide about each candidate, without the payloads: its current type,
-- tags, change sequence and stored size. One primary-key probe per id.
SELECT o.object_id, o.object_type, o.tags, o.change_seq,
       COALESCE(OCTET_LENGTH(o.payload), 0) + OCTET_LENGTH(o.vector_clock) + OCTET_LENGTH(o.context_clock)
           + OCTET_LENGTH(o.tags) + OCTET_LENGTH(o.object_id) + OCTET_LENGTH(o.object_type)
           + OCTET_LENGTH(o.winner_op_id) AS stored_bytes,
       COALESCE(OCTET_LENGTH(o.other_heads), 0) AS heads_bytes
FROM unnest(CAST(:keys AS text[])) AS keys(k)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_objects x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) o
