SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = COALESCE(:schema, CURRENT_SCHEMA) AND table_name = :table
