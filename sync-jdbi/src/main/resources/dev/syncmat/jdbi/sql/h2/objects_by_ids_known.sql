-- objects_by_ids for a merge, with what the store's heads cache holds (see postgresql/objects_by_ids_known).
SELECT x.object_id, x.object_type, x.payload, x.is_tombstone, x.vector_clock, x.context_clock, x.winner_op_id,
       x.winner_timestamp, x.tags, x.head_count, x.change_seq, x.heads_hash,
       CASE WHEN x.heads_hash = x.known THEN NULL ELSE x.other_heads END AS other_heads,
       CASE WHEN POSITION('"~"', x.context_clock) > 0 THEN
           (SELECT RAWTOHEX(HASH('SHA-256', LISTAGG(y.alias_seq || ':' || y.clock, CHAR(10)) WITHIN GROUP (ORDER BY y.alias_seq)))
            FROM <s>sync_aliases y WHERE y.tenant_id = :tenant AND y.object_id = x.object_id) END AS aliases_hash
FROM (SELECT o.*, keys.known, RAWTOHEX(HASH('SHA-256', o.other_heads)) AS heads_hash
      FROM TABLE(k CHARACTER VARYING = :keys, known CHARACTER VARYING = :known) keys
      JOIN <s>sync_objects o ON o.tenant_id = :tenant AND o.object_id = keys.k) x
