-- The payload of one op, read when a merge compares a head whose payload the object row does not
-- hold. One probe of the unique index on (tenant_id, op_id).
SELECT payload FROM <s>sync_journal WHERE tenant_id = :tenant AND op_id = :opId
