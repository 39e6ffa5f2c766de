-- syncmat schema, version 2 (PostgreSQL and Citus).
-- On Citus (distributed PostgreSQL), distributes every table of version 1 by tenant_id, co-located
-- with sync_tenants, so that every statement of the store (which filters on one tenant) is routed
-- to one shard. The operator installs the extension (CREATE EXTENSION citus) on the coordinator
-- and the workers beforehand. On plain PostgreSQL this does nothing. sync_schema_version stays a
-- local table of the coordinator: only migrations read it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_tenants'::regclass) THEN
            PERFORM create_distributed_table('sync_tenants', 'tenant_id');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_journal'::regclass) THEN
            PERFORM create_distributed_table('sync_journal', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_objects'::regclass) THEN
            PERFORM create_distributed_table('sync_objects', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_object_tags'::regclass) THEN
            PERFORM create_distributed_table('sync_object_tags', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sync_conflicts'::regclass) THEN
            PERFORM create_distributed_table('sync_conflicts', 'tenant_id', colocate_with => 'sync_tenants');
        END IF;
    END IF;
END
$$;
