CREATE INDEX sync_bench_floor_object_ix ON sync_bench_floor (tenant_id, object_id, journal_seq)
