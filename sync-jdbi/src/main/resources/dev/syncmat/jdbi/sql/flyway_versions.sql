SELECT "version", "success" FROM <s>"flyway_schema_history" WHERE "version" IS NOT NULL
