-- syncmat schema, version 6 (H2): one conflict record per merged op instead of one per pair of
-- heads, with how many other heads the op met. Idempotent, as every H2 migration (see V1).

-- How many other heads the op at journal_seq stood beside when it was merged; the record names
-- the best-ranked of them. Rows written before this version are pairwise records and read as 1
-- until `replay --mode rebuild` rewrites them as one record per op.
ALTER TABLE sync_conflicts ADD COLUMN IF NOT EXISTS met_heads INTEGER DEFAULT 1 NOT NULL;
