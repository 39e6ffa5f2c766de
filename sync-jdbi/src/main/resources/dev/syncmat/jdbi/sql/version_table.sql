CREATE TABLE IF NOT EXISTS sync_schema_version (
    version      INTEGER NOT NULL,
    description  VARCHAR(200) NOT NULL,
    installed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sync_schema_version_pk PRIMARY KEY (version)
)
