package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A push that gives up waiting for its tenant's lock fails retryably, writes nothing, and succeeds when retried. */
class LockTimeoutTest {
    @Test
    void pushThatTimesOutOnTheTenantLockIsRetryableAndWritesNothing() {
        TestDatabases.Database db = TestDatabases.postgres();
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        Op first = Op.update("a1", "doc", "note", VectorClock.of("a", 1), Payload.parse("1"));
        Op second = Op.update("b1", "doc", "note", VectorClock.of("b", 1), Payload.parse("2"));
        store.push("t", List.of(first));

        try (Handle holder = db.jdbi().open(); Handle pusher = db.jdbi().open()) {
            holder.begin();
            holder.createQuery("SELECT change_seq FROM sync_tenants WHERE tenant_id = 't' FOR UPDATE").mapTo(Long.class).one();
            pusher.begin();
            pusher.execute("SET LOCAL lock_timeout = '200ms'");
            assertThatThrownBy(() -> store.push(pusher, "t", List.of(second)))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.sqlState()).isEqualTo("55P03");
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.isConnectionLost()).isFalse();
                    });
            pusher.rollback();
            holder.rollback();
        }
        assertThat(db.count("sync_journal", "t")).isEqualTo(1);
        assertThat(store.push("t", List.of(second)).results()).extracting(OpResult::outcome).containsExactly(Outcome.MERGED);
    }
}
