SELECT pg_notify(:channel, :tenant)
