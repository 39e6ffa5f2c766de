-- syncmat schema, version 4 (PostgreSQL and Citus): context aliases, so that no object becomes
-- unwritable however many actors write it (docs/merge.md, "Context aliases").

-- Alias alias_seq of an object: the clock entry "~": alias_seq stands for the object's full
-- context when the push at journal_seq made it. clock is the alias's stored form: that context
-- compressed under the aliases before it (it names "~": alias_seq - 1 and the entries it adds).
-- Written in the transaction of the push that made it; read by pushes, replay and history; never
-- changed afterwards.
CREATE TABLE sync_aliases (
    tenant_id   TEXT COLLATE "C" NOT NULL,
    object_id   TEXT COLLATE "C" NOT NULL,
    alias_seq   BIGINT NOT NULL,
    journal_seq BIGINT NOT NULL,
    clock       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT sync_aliases_pk PRIMARY KEY (tenant_id, object_id, alias_seq)
);

-- On Citus, the new table is distributed like the others (see V2). The inner test runs only there:
-- pg_dist_partition exists only with the extension.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_aliases'::regclass) THEN
            PERFORM create_distributed_table('sync_aliases', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
    END IF;
END
$$;
