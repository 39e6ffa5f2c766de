  AND created_at >= :from
