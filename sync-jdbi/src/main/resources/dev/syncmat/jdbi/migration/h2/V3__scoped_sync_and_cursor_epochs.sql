-- syncmat schema, version 3 (H2): scoped pulls that see objects leave their scope, and cursors
-- bound to the tenant's history. Idempotent, as every H2 migration (see V1).

-- A random number drawn when the tenant's counter row is created, and the op at journal_seq:
-- cursors name both, so that one from another database or an earlier life of this one is refused.
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS head_op_id CHARACTER VARYING;
UPDATE sync_tenants t SET head_op_id = (
    SELECT j.op_id FROM sync_journal j WHERE j.tenant_id = t.tenant_id AND j.journal_seq = t.journal_seq);

-- Tag rows carry their object's change sequence (tag-scoped pulls read the tag's index in change order).
ALTER TABLE sync_object_tags ADD COLUMN IF NOT EXISTS change_seq BIGINT NOT NULL DEFAULT 0;
UPDATE sync_object_tags g SET change_seq = (
    SELECT o.change_seq FROM sync_objects o WHERE o.tenant_id = g.tenant_id AND o.object_id = g.object_id);
DROP INDEX IF EXISTS sync_object_tags_tag_ix;
CREATE INDEX IF NOT EXISTS sync_object_tags_change_ix ON sync_object_tags (tenant_id, tag, change_seq);

CREATE INDEX IF NOT EXISTS sync_objects_type_ix ON sync_objects (tenant_id, object_type, change_seq);

-- Every time a change took an object out of a type or a tag, with that change's sequence number.
CREATE TABLE IF NOT EXISTS sync_scope_exits (
    tenant_id   CHARACTER VARYING NOT NULL,
    scope_kind  VARCHAR(4) NOT NULL,
    scope_value CHARACTER VARYING NOT NULL,
    change_seq  BIGINT NOT NULL,
    object_id   CHARACTER VARYING NOT NULL,
    CONSTRAINT sync_scope_exits_pk PRIMARY KEY (tenant_id, scope_kind, scope_value, change_seq, object_id)
);
