package dev.syncmat.examples.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.ConflictReason;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link Error} thrown while a request is handled (an {@code OutOfMemoryError}, a
 * {@code StackOverflowError}) never leaves the client waiting: before the answer has started it
 * gets a 500 in the JSON error form, after that the connection is cut; the failure is logged with
 * the path and the tenant (never the token), and the service goes on serving. The Errors come
 * from where they would in production: opening a database connection, and the merge policy while
 * the history of an object is streamed out.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ErrorContainmentTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final AtomicBoolean failConnections = new AtomicBoolean();
    private final AtomicBoolean failMerges = new AtomicBoolean();
    private final HttpClient http = HttpTesting.client();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger serviceLog;
    private TestDatabases.Database db;
    private SyncHttpService service;

    /** The default policy, except that it runs out of stack when told to. */
    private final MergePolicy policy = new MergePolicy() {
        @Override
        public int compare(Op a, Op b) {
            if (failMerges.get()) {
                throw new StackOverflowError("injected");
            }
            return MergePolicy.deleteWins().compare(a, b);
        }

        @Override
        public ConflictReason reason(Op winner, Op loser) {
            return MergePolicy.deleteWins().reason(winner, loser);
        }

        @Override
        public String id() {
            return "delete-wins";
        }
    };

    @BeforeEach
    void start() throws IOException {
        db = HttpTesting.postgres();
        Jdbi jdbi = Jdbi.create(() -> {
            if (failConnections.get()) {
                throw new OutOfMemoryError("injected");
            }
            return DriverManager.getConnection(db.url(), db.user(), db.password());
        });
        SyncStore store = SyncStore.builder(jdbi).mergePolicy(policy).build();
        store.migrate();
        // Two concurrent ops on one object: its history asks the policy at the second, after the
        // first entry (larger than any output buffer) has been sent.
        store.push("tenant-a", List.of(
                Op.update("big", "doc", "note", VectorClock.of("a", 1), Payload.parse("\"" + "x".repeat(200_000) + "\"")),
                Op.update("small", "doc", "note", VectorClock.of("b", 1), Payload.parse("1"))));
        serviceLog = (Logger) LoggerFactory.getLogger("dev.syncmat.examples.http");
        logged.start();
        serviceLog.addAppender(logged);
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().threads(4).build());
    }

    @AfterEach
    void stop() {
        serviceLog.detachAppender(logged);
        if (service != null) {
            service.close();
        }
    }

    @Test
    void anErrorBeforeTheAnswerStartsGivesA500AndIsLogged() throws Exception {
        failConnections.set(true);
        HttpTesting.Reply pull = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/pull", "tok-a", "{}", WAIT);
        HttpTesting.Reply push = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-a",
                HttpTesting.pushBody("p-1", "o-1"), WAIT);
        HttpTesting.Reply history = HttpTesting.send(http, service.port(), "GET", "/api/sync/v2/objects/doc/history", "tok-b",
                null, WAIT);
        failConnections.set(false);

        assertJsonError(pull, 500, "internal");
        assertJsonError(push, 500, "internal");
        assertJsonError(history, 500, "internal");
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR).hasSize(3)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("/api/sync/v2/pull", "tenant-a"))
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("/api/sync/v2/objects/doc/history", "tenant-b"))
                .allSatisfy(e -> assertThat(e.getThrowableProxy().getClassName()).isEqualTo(OutOfMemoryError.class.getName()))
                .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("tok-"));

        assertKeepsServing();
        assertThat(db.count("sync_journal", "tenant-a")).isEqualTo(2);
    }

    @Test
    void anErrorAfterTheAnswerStartedCutsTheConnection() throws Exception {
        failMerges.set(true);
        HttpTesting.Reply cut = HttpTesting.raw(service.port(), "GET /api/sync/v2/objects/doc/history HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer tok-a\r\n\r\n", WAIT);
        failMerges.set(false);

        // The status went out with the first entry; the body ends before its last chunk.
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(cut.text()).contains("\"opId\":\"big\"").doesNotContain("\"opId\":\"small\"");
        assertThat(cut.json()).as("body of a cut answer").isNull();
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("/api/sync/v2/objects/doc/history",
                        "tenant-a"));

        assertKeepsServing();
        HttpTesting.Reply whole = HttpTesting.send(http, service.port(), "GET", "/api/sync/v2/objects/doc/history", "tok-a", null,
                WAIT);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.json().get("entries")).extracting(e -> e.get("opId").textValue()).containsExactly("big", "small");
    }

    private void assertKeepsServing() throws Exception {
        assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);
        HttpTesting.Reply pulled = HttpTesting.pull(http, service.port(), "tok-a");
        assertThat(pulled.status()).isEqualTo(200);
        assertThat(pulled.json().get("objects").findValuesAsText("objectId")).containsExactly("doc");
    }
}
