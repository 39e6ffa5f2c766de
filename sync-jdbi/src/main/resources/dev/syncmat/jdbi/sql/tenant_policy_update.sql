-- Records the merge policy the tenant's state is now merged with (first push, adoption, switch).
UPDATE <s>sync_tenants
SET policy_id = :policyId
WHERE tenant_id = :tenant
