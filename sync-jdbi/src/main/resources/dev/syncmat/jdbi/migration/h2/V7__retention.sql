-- syncmat schema, version 7 (H2): retention (see the PostgreSQL file). Idempotent, as every H2
-- migration (see V1).
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS horizon_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS horizon_journal_seq BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS horizon_change_seq BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS previous_epoch BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE IF NOT EXISTS sync_graves (
    tenant_id        CHARACTER VARYING NOT NULL,
    object_id        CHARACTER VARYING NOT NULL,
    object_type      CHARACTER VARYING NOT NULL,
    vector_clock     CHARACTER VARYING NOT NULL,
    winner_op_id     CHARACTER VARYING NOT NULL,
    winner_timestamp CHARACTER VARYING,
    tags             CHARACTER VARYING NOT NULL,
    change_seq       BIGINT NOT NULL,
    purged_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_graves_pk PRIMARY KEY (tenant_id, object_id)
);
