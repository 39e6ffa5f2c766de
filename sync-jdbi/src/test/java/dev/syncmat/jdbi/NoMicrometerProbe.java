package dev.syncmat.jdbi;

import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;

import java.util.List;

/**
 * A store's round trip, for {@link NoMicrometerTest} to run in a class loader without Micrometer.
 * Public so that the test can call it by reflection from outside that loader.
 */
public final class NoMicrometerProbe {
    private NoMicrometerProbe() {
    }

    /** Pushes two ops (the second concurrent), replays, pulls; returns what came back. */
    public static String run() {
        // A data source, not a URL: DriverManager does not look for drivers in this class loader.
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:no-micrometer;DB_CLOSE_DELAY=-1");
        SyncStore store = SyncStore.create(Jdbi.create(ds));
        store.migrate();
        var pushed = store.push("t", List.of(Op.update("a1", "n1", "note", VectorClock.of("a", 1), Payload.parse("1")),
                Op.update("b1", "n1", "note", VectorClock.of("b", 1), Payload.parse("2"))));
        var replayed = store.replay("t", ReplayOptions.verify());
        var pulled = store.pull("t", dev.syncmat.core.protocol.PullRequest.initial());
        return pushed.results().stream().map(r -> r.outcome().wireName()).toList() + " " + replayed.consistent() + " "
                + pulled.objects().size();
    }
}
