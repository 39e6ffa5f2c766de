package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.ErrorStatus;
import dev.syncmat.core.protocol.SyncProtocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's exceptions answer as the example service has always answered them. */
class StoreErrorStatusTest {
    @Test
    void aRetryableStoreFailureIs503StoreUnavailableWithoutTheDatabasesMessage() {
        StoreException e = new StoreException("database failure while pushing (SQLSTATE 08006): db-7 went away", "08006", true, null);
        assertThat(SyncProtocol.errorStatus(e)).isEqualTo(new ErrorStatus(503, "store_unavailable",
                "the database is unavailable, retry later", null, true, 1));
    }

    @Test
    void aStoreFailureThatWillNotPassIs500() {
        StoreException e = new StoreException("database failure while pushing (SQLSTATE 42P01): no table", "42P01", false, null);
        assertThat(SyncProtocol.errorStatus(e)).isEqualTo(ErrorStatus.of(500, "store_unavailable", "database failure", null));
    }

    @Test
    void aPolicyMismatchIs500NamingBothPolicies() {
        PolicyMismatchException e = new PolicyMismatchException("tenant-a", "update-wins", "delete-wins", "this push");
        assertThat(SyncProtocol.errorStatus(e)).isEqualTo(ErrorStatus.of(500, "policy_mismatch",
                "the service's merge policy \"delete-wins\" is not the policy \"update-wins\" recorded for this tenant", null));
    }
}
