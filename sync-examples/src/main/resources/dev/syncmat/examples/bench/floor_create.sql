CREATE TABLE sync_bench_floor (
    tenant_id        VARCHAR(255) NOT NULL,
    journal_seq      BIGINT NOT NULL,
    op_id            VARCHAR(255) NOT NULL,
    object_id        VARCHAR(255) NOT NULL,
    object_type      VARCHAR(255) NOT NULL,
    is_delete        BOOLEAN NOT NULL,
    vector_clock     VARCHAR(100000) NOT NULL,
    payload          VARCHAR(1000000),
    tags             VARCHAR(100000) NOT NULL,
    client_timestamp VARCHAR(64),
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_bench_floor_pk PRIMARY KEY (tenant_id, journal_seq),
    CONSTRAINT sync_bench_floor_op_uk UNIQUE (tenant_id, op_id)
)
