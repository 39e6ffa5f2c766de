-- objects_by_ids for a merge, with what the store's heads cache holds (see postgresql/objects_by_ids_known).
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.winner_timestamp, o.tags, o.head_count, o.change_seq,
       RAWTOHEX(HASH('SHA-256', o.other_heads)) AS heads_hash,
       CASE WHEN RAWTOHEX(HASH('SHA-256', o.other_heads)) = keys.known THEN NULL ELSE o.other_heads END AS other_heads,
       CASE WHEN POSITION('"~"', o.context_clock) > 0 THEN
           (SELECT RAWTOHEX(HASH('SHA-256', LISTAGG(y.alias_seq || ':' || y.clock, CHAR(10)) WITHIN GROUP (ORDER BY y.alias_seq)))
            FROM <s>sync_aliases y WHERE y.tenant_id = :tenant AND y.object_id = o.object_id) END AS aliases_hash
FROM TABLE(k CHARACTER VARYING = :keys, known CHARACTER VARYING = :known) keys
JOIN <s>sync_objects o ON o.tenant_id = :tenant AND o.object_id = keys.k
