package dev.syncmat.jdbi;

/**
 * A push or a replay under another merge policy than the one recorded for the tenant: the
 * tenant's objects and conflicts were merged with {@link #recordedPolicyId()}, and merging more
 * ops (or checking the state) with {@link #requestedPolicyId()} would mix two orders in one state.
 * Nothing was written. Not retryable: it is a misconfiguration of the server (two processes, or a
 * process and a tool, built with different policies), not bad input. Either build the store with
 * the recorded policy, or switch the tenant on purpose with a rebuild that
 * {@linkplain ReplayOptions#withSwitchPolicy(boolean) switches policy}.
 */
public final class PolicyMismatchException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String recordedPolicyId;
    private final String requestedPolicyId;

    PolicyMismatchException(String tenantId, String recordedPolicyId, String requestedPolicyId, String doing) {
        super("tenant \"" + tenantId + "\" is merged with policy \"" + recordedPolicyId + "\", but " + doing
                + " uses policy \"" + requestedPolicyId + "\"; nothing was written. Use policy \"" + recordedPolicyId
                + "\", or switch the tenant with a rebuild (ReplayOptions.withSwitchPolicy; in the CLI: replay --mode "
                + "rebuild --policy " + requestedPolicyId + " --switch-policy)", null, false, null);
        this.tenantId = tenantId;
        this.recordedPolicyId = recordedPolicyId;
        this.requestedPolicyId = requestedPolicyId;
    }

    /** The tenant whose recorded policy differs. */
    public String tenantId() {
        return tenantId;
    }

    /** The policy id recorded for the tenant: the one its state was merged with. */
    public String recordedPolicyId() {
        return recordedPolicyId;
    }

    /** The policy id of the refused call (the store's, or the one a replay named). */
    public String requestedPolicyId() {
        return requestedPolicyId;
    }

    /** {@code policy_mismatch}: the machine-readable code for HTTP error bodies and CLI output. */
    @Override
    public String code() {
        return "policy_mismatch";
    }

    /**
     * Names the two policies, not the tenant or the remedy (a server's misconfiguration, which its
     * operator fixes): {@code the service's merge policy "P" is not the policy "R" recorded for this tenant}.
     */
    @Override
    public String clientMessage() {
        return "the service's merge policy \"" + requestedPolicyId + "\" is not the policy \"" + recordedPolicyId
                + "\" recorded for this tenant";
    }
}
