-- syncmat schema, version 8 (PostgreSQL and Citus): an object row's other_heads, rewritten by every
-- push into the object and hashed by every read of a push that holds it in the heads cache, is
-- compressed with LZ4 instead of pglz where the server has it (PostgreSQL 14 and later, built with
-- lz4), which costs less time on both (figures in docs/benchmarks.md). Only the catalog
-- changes: values are compressed the new way as they are written, and old ones read as they are.
-- Where the server has no lz4, or the table is distributed by a Citus that does not propagate the
-- change, nothing changes and the schema is still version 8.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        BEGIN
            EXECUTE 'ALTER TABLE sync_objects ALTER COLUMN other_heads SET COMPRESSION lz4';
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'other_heads keeps its compression: %', SQLERRM;
        END;
    END IF;
END
$$;
