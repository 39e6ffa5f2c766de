-- syncmat schema, version 2 (H2). Version 2 distributes the tables on Citus; H2 has nothing to do.
-- The version exists here too so that both dialects share one numbering.
CREATE TABLE IF NOT EXISTS sync_tenants (
    tenant_id   CHARACTER VARYING NOT NULL,
    journal_seq BIGINT NOT NULL,
    change_seq  BIGINT NOT NULL,
    CONSTRAINT sync_tenants_pk PRIMARY KEY (tenant_id)
);
