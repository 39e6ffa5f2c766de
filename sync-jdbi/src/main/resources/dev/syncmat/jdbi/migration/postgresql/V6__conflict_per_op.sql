-- syncmat schema, version 6 (PostgreSQL and Citus): one conflict record per merged op instead of
-- one per pair of heads, with how many other heads the op met. A column with a constant default
-- changes only the catalog (PostgreSQL 11 and later), so it rewrites no rows, and Citus propagates
-- it to every shard.

-- How many other heads the op at journal_seq stood beside when it was merged; the record names
-- the best-ranked of them. Rows written before this version are pairwise records and read as 1
-- until `replay --mode rebuild` rewrites them as one record per op.
ALTER TABLE sync_conflicts ADD COLUMN met_heads INTEGER NOT NULL DEFAULT 1;
