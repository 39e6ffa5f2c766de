-- syncmat schema, version 1 (PostgreSQL).
-- Creates only the library's own tables. Every key and index starts with tenant_id, so the schema
-- can be sharded by tenant. Ids are COLLATE "C": byte order, the same on every server.
-- Payloads, clocks and tags are stored as canonical JSON text (not jsonb) so they come back
-- byte for byte and nothing has to be re-parsed to merge or serve them.

-- Per-tenant counters. Locking a tenant's row serializes its pushes, so journal and change
-- sequence numbers become visible in the order they were assigned.
CREATE TABLE sync_tenants (
    tenant_id   TEXT COLLATE "C" NOT NULL,
    journal_seq BIGINT NOT NULL,
    change_seq  BIGINT NOT NULL,
    CONSTRAINT sync_tenants_pk PRIMARY KEY (tenant_id)
);

-- Every accepted op, in arrival order. Never updated or deleted by the library.
CREATE TABLE sync_journal (
    tenant_id        TEXT COLLATE "C" NOT NULL,
    journal_seq      BIGINT NOT NULL,
    op_id            TEXT COLLATE "C" NOT NULL,
    object_id        TEXT COLLATE "C" NOT NULL,
    object_type      TEXT COLLATE "C" NOT NULL,
    is_delete        BOOLEAN NOT NULL,
    vector_clock     TEXT NOT NULL,
    payload          TEXT,
    tags             TEXT NOT NULL,
    client_timestamp TEXT,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_journal_pk PRIMARY KEY (tenant_id, journal_seq),
    CONSTRAINT sync_journal_op_uk UNIQUE (tenant_id, op_id)
);
CREATE INDEX sync_journal_object_ix ON sync_journal (tenant_id, object_id, journal_seq);

-- The materialized state of every object: the winner's fields for clients, the other heads for
-- the next merge, and the change sequence that pulls page on.
CREATE TABLE sync_objects (
    tenant_id        TEXT COLLATE "C" NOT NULL,
    object_id        TEXT COLLATE "C" NOT NULL,
    object_type      TEXT COLLATE "C" NOT NULL,
    payload          TEXT,
    is_tombstone     BOOLEAN NOT NULL,
    vector_clock     TEXT NOT NULL,
    context_clock    TEXT NOT NULL,
    winner_op_id     TEXT COLLATE "C" NOT NULL,
    winner_timestamp TEXT,
    tags             TEXT NOT NULL,
    head_count       INTEGER NOT NULL,
    other_heads      TEXT,
    change_seq       BIGINT NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_objects_pk PRIMARY KEY (tenant_id, object_id)
);
CREATE UNIQUE INDEX sync_objects_change_ix ON sync_objects (tenant_id, change_seq);

-- The winner's tags of every object, for pulls scoped by tag.
CREATE TABLE sync_object_tags (
    tenant_id TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C" NOT NULL,
    tag       TEXT COLLATE "C" NOT NULL,
    CONSTRAINT sync_object_tags_pk PRIMARY KEY (tenant_id, object_id, tag)
);
CREATE INDEX sync_object_tags_tag_ix ON sync_object_tags (tenant_id, tag, object_id);

-- One row per pair of concurrent heads that met, with the journal position that caused it.
CREATE TABLE sync_conflicts (
    tenant_id    TEXT COLLATE "C" NOT NULL,
    journal_seq  BIGINT NOT NULL,
    winner_op_id TEXT COLLATE "C" NOT NULL,
    loser_op_id  TEXT COLLATE "C" NOT NULL,
    object_id    TEXT COLLATE "C" NOT NULL,
    object_type  TEXT COLLATE "C" NOT NULL,
    reason       VARCHAR(16) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_conflicts_pk PRIMARY KEY (tenant_id, journal_seq, winner_op_id, loser_op_id)
);
CREATE INDEX sync_conflicts_object_ix ON sync_conflicts (tenant_id, object_id, journal_seq);
CREATE INDEX sync_conflicts_time_ix ON sync_conflicts (tenant_id, created_at);
