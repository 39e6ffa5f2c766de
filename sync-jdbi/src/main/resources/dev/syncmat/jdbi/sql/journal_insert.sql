INSERT INTO <s>sync_journal (tenant_id, journal_seq, op_id, object_id, object_type, is_delete, vector_clock,
                             payload, tags, client_timestamp, received_at)
VALUES (:tenant, :journalSeq, :opId, :objectId, :objectType, :isDelete, :clock,
        :payload, :tags, :clientTimestamp, :receivedAt)
