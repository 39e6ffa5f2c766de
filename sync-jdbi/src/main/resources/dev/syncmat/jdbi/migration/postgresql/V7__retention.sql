-- syncmat schema, version 7 (PostgreSQL and Citus): retention (docs/operations.md, "Retention").
-- Constant defaults change only the catalog (PostgreSQL 11 and later) and Citus propagates them.

-- The tenant's retention horizon, set by purge and only ever moved forward. horizon_at is the
-- instant the operator gave; horizon_journal_seq the last journal position of the prefix of the
-- journal received before it (conflict records up to it are purged, journal rows up to it may be
-- archived, and replay computes conflicts only after it); horizon_change_seq the highest change
-- number of a row purge removed (a cursor below it could miss a purged tombstone: it is expired).
ALTER TABLE sync_tenants ADD COLUMN horizon_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_tenants ADD COLUMN horizon_journal_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_tenants ADD COLUMN horizon_change_seq BIGINT NOT NULL DEFAULT 0;
-- The epoch before the last batch of tombstones purge removed: the transaction that removes them
-- draws a new epoch, so a cursor that names this one was issued before that batch and is checked
-- against the horizon, while one that names the current epoch was issued after every removal.
ALTER TABLE sync_tenants ADD COLUMN previous_epoch BIGINT NOT NULL DEFAULT 0;

-- What is left of a purged tombstone: its only head, the delete (no payload), so that a late op
-- for the object is judged against it exactly as against the tombstone. No tags, no conflicts.
-- Read by pushes and replay for ids that have no object row; deleted when an op brings the
-- object back into sync_objects.
CREATE TABLE sync_graves (
    tenant_id        TEXT COLLATE "C" NOT NULL,
    object_id        TEXT COLLATE "C" NOT NULL,
    object_type      TEXT COLLATE "C" NOT NULL,
    vector_clock     TEXT NOT NULL,
    winner_op_id     TEXT COLLATE "C" NOT NULL,
    winner_timestamp TEXT,
    tags             TEXT NOT NULL,
    change_seq       BIGINT NOT NULL,
    purged_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_graves_pk PRIMARY KEY (tenant_id, object_id)
);

-- On Citus, the new table is distributed like the others (see V2). The inner test runs only there:
-- pg_dist_partition exists only with the extension.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_graves'::regclass) THEN
            PERFORM create_distributed_table('sync_graves', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
    END IF;
END
$$;
