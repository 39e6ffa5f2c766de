package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.PullRequest;
import dev.syncmat.core.protocol.PullResponse;
import dev.syncmat.core.protocol.PushResult;
import dev.syncmat.core.protocol.OpResult;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.Outcome;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StoreSmokeTest {
    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void pushThenPullReturnsTheObject(TestDatabases.Kind kind) {
        TestDatabases.Database db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        assertThat(store.migrate()).containsExactlyElementsOf(StoreTesting.ALL_VERSIONS);
        assertThat(store.migrate()).isEmpty();
        Op a = Op.update("a1", "doc", "note", VectorClock.of("a", 1), Payload.parse("{\"t\":\"x\"}"));
        Op b = Op.delete("b1", "doc", "note", VectorClock.of("b", 1));
        PushResult r = store.push("t1", List.of(a, b, a));
        assertThat(r.results()).extracting(OpResult::outcome).containsExactly(Outcome.APPLIED, Outcome.MERGED, Outcome.DUPLICATE);
        PullResponse p = store.pull("t1", PullRequest.initial());
        assertThat(p.objects()).hasSize(1);
        assertThat(p.objects().get(0).deleted()).isTrue();
        assertThat(p.objects().get(0).heads()).isEqualTo(2);
        assertThat(p.hasMore()).isFalse();
        assertThat(store.pull("t1", PullRequest.since(p.serverCursor())).objects()).isEmpty();
        assertThat(db.count("sync_journal", "t1")).isEqualTo(2);
        assertThat(db.count("sync_conflicts", "t1")).isEqualTo(1);
    }
}
