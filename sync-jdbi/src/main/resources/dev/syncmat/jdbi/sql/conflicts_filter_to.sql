  AND created_at < :to
