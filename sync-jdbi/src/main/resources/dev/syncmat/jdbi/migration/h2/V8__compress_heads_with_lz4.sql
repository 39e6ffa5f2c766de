-- syncmat schema, version 8 (H2): on PostgreSQL, other_heads is compressed with LZ4; H2 has no
-- choice of compression, so this version only describes the column. Idempotent, as every H2
-- migration (see V1).
COMMENT ON COLUMN sync_objects.other_heads IS 'The heads but the winner, by reference, in rank order (docs/schema.md)';
