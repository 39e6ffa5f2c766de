INSERT INTO <s>sync_graves (tenant_id, object_id, object_type, vector_clock, winner_op_id, winner_timestamp, tags,
                            change_seq, purged_at)
VALUES (:tenant, :objectId, :objectType, :clock, :winnerOpId, :winnerTimestamp, :tags, :changeSeq, :purgedAt)
