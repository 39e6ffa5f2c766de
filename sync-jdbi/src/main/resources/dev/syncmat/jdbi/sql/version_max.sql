SELECT MAX(version) FROM <s>sync_schema_version
