-- syncmat schema, version 4 (H2): context aliases (see the PostgreSQL file). Idempotent, as every
-- H2 migration (see V1).
CREATE TABLE IF NOT EXISTS sync_aliases (
    tenant_id   CHARACTER VARYING NOT NULL,
    object_id   CHARACTER VARYING NOT NULL,
    alias_seq   BIGINT NOT NULL,
    journal_seq BIGINT NOT NULL,
    clock       CHARACTER VARYING NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_aliases_pk PRIMARY KEY (tenant_id, object_id, alias_seq)
);
