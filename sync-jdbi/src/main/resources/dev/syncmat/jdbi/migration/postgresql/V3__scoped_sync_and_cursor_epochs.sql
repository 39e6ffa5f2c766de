-- syncmat schema, version 3 (PostgreSQL and Citus): scoped pulls that see objects leave their
-- scope, and cursors bound to the tenant's history.

-- A random number drawn when the tenant's counter row is created: a cursor names it, so a cursor
-- from another database (or from before the tenant's rows were recreated) is refused. Rows that
-- exist already keep 0. head_op_id is the op at journal_seq: a cursor carries a fingerprint of the
-- journal entry at its position, so one from before a restore to an earlier point is refused too.
ALTER TABLE sync_tenants ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_tenants ADD COLUMN head_op_id TEXT COLLATE "C";
UPDATE sync_tenants t SET head_op_id = j.op_id
FROM sync_journal j
WHERE j.tenant_id = t.tenant_id AND j.journal_seq = t.journal_seq;

-- Tag rows carry their object's change sequence, so that a tag-scoped pull reads the tag's own
-- index in change order instead of every change of the tenant.
ALTER TABLE sync_object_tags ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
UPDATE sync_object_tags g SET change_seq = o.change_seq
FROM sync_objects o
WHERE o.tenant_id = g.tenant_id AND o.object_id = g.object_id;
DROP INDEX sync_object_tags_tag_ix;
CREATE INDEX sync_object_tags_change_ix ON sync_object_tags (tenant_id, tag, change_seq);

-- Type-scoped pulls read objects of a type in change order.
CREATE INDEX sync_objects_type_ix ON sync_objects (tenant_id, object_type, change_seq);

-- Every time a change took an object out of a type or a tag (its winner changed type, lost the tag,
-- or was deleted by an op that names other tags): the change sequence of that change, so that a
-- pull scoped by that type or tag can tell its client to drop the object. Trimmed only by purge.
CREATE TABLE sync_scope_exits (
    tenant_id   TEXT COLLATE "C" NOT NULL,
    scope_kind  VARCHAR(4) NOT NULL,
    scope_value TEXT COLLATE "C" NOT NULL,
    change_seq  BIGINT NOT NULL,
    object_id   TEXT COLLATE "C" NOT NULL,
    CONSTRAINT sync_scope_exits_pk PRIMARY KEY (tenant_id, scope_kind, scope_value, change_seq, object_id)
);

-- On Citus, the new table is distributed like the others (see V2). The inner test runs only there:
-- pg_dist_partition exists only with the extension.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_scope_exits'::regclass) THEN
            PERFORM create_distributed_table('sync_scope_exits', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
    END IF;
END
$$;
