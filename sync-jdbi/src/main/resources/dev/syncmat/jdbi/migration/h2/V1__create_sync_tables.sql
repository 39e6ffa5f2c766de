-- syncmat schema, version 1 (H2).
-- Creates only the library's own tables. Every key and index starts with tenant_id, so the schema
-- can be sharded by tenant. CHARACTER VARYING without a length has no practical limit; the
-- library checks lengths itself (see Limits). H2 commits each DDL statement on its own, so the
-- statements are idempotent: a migration that failed half-way completes when run again.
-- Payloads, clocks and tags are stored as canonical JSON text so they come back
-- byte for byte and nothing has to be re-parsed to merge or serve them.

-- Per-tenant counters. Locking a tenant's row serializes its pushes, so journal and change
-- sequence numbers become visible in the order they were assigned.
CREATE TABLE IF NOT EXISTS sync_tenants (
    tenant_id   CHARACTER VARYING NOT NULL,
    journal_seq BIGINT NOT NULL,
    change_seq  BIGINT NOT NULL,
    CONSTRAINT sync_tenants_pk PRIMARY KEY (tenant_id)
);

-- Every accepted op, in arrival order. Never updated or deleted by the library.
CREATE TABLE IF NOT EXISTS sync_journal (
    tenant_id        CHARACTER VARYING NOT NULL,
    journal_seq      BIGINT NOT NULL,
    op_id            CHARACTER VARYING NOT NULL,
    object_id        CHARACTER VARYING NOT NULL,
    object_type      CHARACTER VARYING NOT NULL,
    is_delete        BOOLEAN NOT NULL,
    vector_clock     CHARACTER VARYING NOT NULL,
    payload          CHARACTER VARYING,
    tags             CHARACTER VARYING NOT NULL,
    client_timestamp CHARACTER VARYING,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_journal_pk PRIMARY KEY (tenant_id, journal_seq),
    CONSTRAINT sync_journal_op_uk UNIQUE (tenant_id, op_id)
);
CREATE INDEX IF NOT EXISTS sync_journal_object_ix ON sync_journal (tenant_id, object_id, journal_seq);

-- The materialized state of every object: the winner's fields for clients, the other heads for
-- the next merge, and the change sequence that pulls page on.
CREATE TABLE IF NOT EXISTS sync_objects (
    tenant_id        CHARACTER VARYING NOT NULL,
    object_id        CHARACTER VARYING NOT NULL,
    object_type      CHARACTER VARYING NOT NULL,
    payload          CHARACTER VARYING,
    is_tombstone     BOOLEAN NOT NULL,
    vector_clock     CHARACTER VARYING NOT NULL,
    context_clock    CHARACTER VARYING NOT NULL,
    winner_op_id     CHARACTER VARYING NOT NULL,
    winner_timestamp CHARACTER VARYING,
    tags             CHARACTER VARYING NOT NULL,
    head_count       INTEGER NOT NULL,
    other_heads      CHARACTER VARYING,
    change_seq       BIGINT NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_objects_pk PRIMARY KEY (tenant_id, object_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS sync_objects_change_ix ON sync_objects (tenant_id, change_seq);

-- The winner's tags of every object, for pulls scoped by tag.
CREATE TABLE IF NOT EXISTS sync_object_tags (
    tenant_id CHARACTER VARYING NOT NULL,
    object_id CHARACTER VARYING NOT NULL,
    tag       CHARACTER VARYING NOT NULL,
    CONSTRAINT sync_object_tags_pk PRIMARY KEY (tenant_id, object_id, tag)
);
CREATE INDEX IF NOT EXISTS sync_object_tags_tag_ix ON sync_object_tags (tenant_id, tag, object_id);

-- One row per pair of concurrent heads that met, with the journal position that caused it.
CREATE TABLE IF NOT EXISTS sync_conflicts (
    tenant_id    CHARACTER VARYING NOT NULL,
    journal_seq  BIGINT NOT NULL,
    winner_op_id CHARACTER VARYING NOT NULL,
    loser_op_id  CHARACTER VARYING NOT NULL,
    object_id    CHARACTER VARYING NOT NULL,
    object_type  CHARACTER VARYING NOT NULL,
    reason       VARCHAR(16) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_conflicts_pk PRIMARY KEY (tenant_id, journal_seq, winner_op_id, loser_op_id)
);
CREATE INDEX IF NOT EXISTS sync_conflicts_object_ix ON sync_conflicts (tenant_id, object_id, journal_seq);
CREATE INDEX IF NOT EXISTS sync_conflicts_time_ix ON sync_conflicts (tenant_id, created_at);
