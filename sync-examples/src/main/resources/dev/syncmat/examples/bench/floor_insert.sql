INSERT INTO sync_bench_floor (tenant_id, journal_seq, op_id, object_id, object_type, is_delete, vector_clock, payload,
                              tags, client_timestamp, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
