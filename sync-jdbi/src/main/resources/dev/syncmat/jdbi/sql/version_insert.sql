INSERT INTO sync_schema_version (version, description, installed_at) VALUES (:version, :description, :installedAt)
