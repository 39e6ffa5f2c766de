package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import org.jdbi.v3.core.Jdbi;

import java.util.List;

/**
 * A push from another OS process, for the live-pull tests: {@code url user password tenant
 * objectId type}. Exits 0 once the push has committed.
 */
public final class LivePushMain {
    private LivePushMain() {
    }

    public static void main(String[] args) {
        Jdbi jdbi = Jdbi.create(args[0], args[1], args[2]);
        SyncStore store = SyncStore.create(jdbi);
        store.push(args[3], List.of(StoreTesting.update(args[4] + "-1", args[4], args[5], VectorClock.of("p", 1), "{}")));
    }
}
