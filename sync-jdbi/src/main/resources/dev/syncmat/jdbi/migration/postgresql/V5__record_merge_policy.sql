-- syncmat schema, version 5 (PostgreSQL and Citus): the merge policy each tenant's state was
-- merged with, and conflict reasons of custom policies. Both statements change only the catalog
-- (a nullable column without a default; a wider VARCHAR), so they rewrite no rows, and Citus
-- propagates them to every shard of the distributed tables.

-- The id of the merge policy (MergePolicy.id()) the tenant's objects and conflicts were merged
-- with. NULL for tenants created before this version: they adopt the policy of their next push or
-- rebuild. A push, verify or rebuild under another id is refused, unless a rebuild switches policy.
ALTER TABLE sync_tenants ADD COLUMN policy_id TEXT COLLATE "C";

-- Custom policies name their own reasons (ConflictReason: up to 64 characters).
ALTER TABLE sync_conflicts ALTER COLUMN reason TYPE VARCHAR(64);
