DROP TABLE sync_bench_floor
