-- objects_by_ids for a merge, with what the store's heads cache holds: each id comes with the hash of
-- the other_heads text the cache has for it (or null), and the row's other_heads comes back null when
-- its hash is that one. aliases_hash is the hash of the object's alias rows, for an object whose
-- served context names an alias. The hashes are of the stored text, so a row or alias changed by
-- anyone (another process, a rebuild, a restore, a hand edit) no longer matches. One primary-key
-- probe per id, one primary-key range per aliased object.
SELECT o.object_id, o.object_type, o.payload, o.is_tombstone, o.vector_clock, o.context_clock, o.winner_op_id,
       o.winner_timestamp, o.tags, o.head_count, o.change_seq, d.heads_hash,
       CASE WHEN d.heads_hash = keys.known THEN NULL ELSE o.other_heads END AS other_heads,
       a.aliases_hash
FROM unnest(CAST(:keys AS text[]), CAST(:known AS text[])) AS keys(k, known)
CROSS JOIN LATERAL (SELECT * FROM <s>sync_objects x WHERE x.tenant_id = :tenant AND x.object_id = keys.k OFFSET 0) o
CROSS JOIN LATERAL (SELECT encode(sha256(convert_to(o.other_heads, 'UTF8')), 'hex') AS heads_hash) d
LEFT JOIN LATERAL (SELECT encode(sha256(convert_to(string_agg(y.alias_seq || ':' || y.clock, E'\n' ORDER BY y.alias_seq),
                                                  'UTF8')), 'hex') AS aliases_hash
                   FROM <s>sync_aliases y
                   WHERE y.tenant_id = :tenant AND y.object_id = keys.k AND strpos(o.context_clock, '"~"') > 0) a ON TRUE
