-- syncmat schema, version 5 (H2): the merge policy each tenant's state was merged with, and
-- conflict reasons of custom policies. Idempotent, as every H2 migration (see V1).

-- The id of the merge policy (MergePolicy.id()) the tenant's objects and conflicts were merged
-- with. NULL for tenants created before this version: they adopt the policy of their next push or
-- rebuild. A push, verify or rebuild under another id is refused, unless a rebuild switches policy.
ALTER TABLE sync_tenants ADD COLUMN IF NOT EXISTS policy_id CHARACTER VARYING;

-- Custom policies name their own reasons (ConflictReason: up to 64 characters).
ALTER TABLE sync_conflicts ALTER COLUMN reason SET DATA TYPE VARCHAR(64);
