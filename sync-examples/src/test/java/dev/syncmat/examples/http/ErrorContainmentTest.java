package dev.syncmat.examples.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
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
import java.util.concurrent.atomic.AtomicInteger;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link Error} thrown while a request is handled (an {@code OutOfMemoryError}, a
 * {@code StackOverflowError}) never leaves the client waiting: before the answer has started it
 * gets a 500 in the JSON error form, after that the connection is cut; the failure is logged with
 * the path and the tenant (never the token), and the service goes on serving. The Errors come
 * from where they would in production: opening a database connection, and running a statement
 * while a pull page is streamed out.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ErrorContainmentTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final AtomicBoolean failConnections = new AtomicBoolean();
    private final AtomicBoolean failChunks = new AtomicBoolean();
    private final AtomicInteger chunks = new AtomicInteger();
    private final HttpClient http = HttpTesting.client();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger serviceLog;
    private TestDatabases.Database db;
    private SyncHttpService service;

    @BeforeEach
    void start() throws IOException {
        db = HttpTesting.postgres();
        Jdbi jdbi = Jdbi.create(() -> {
            if (failConnections.get()) {
                throw new OutOfMemoryError("injected");
            }
            return DriverManager.getConnection(db.url(), db.user(), db.password());
        });
        // The second chunk of a pull page (the objects of a page are read about 1 MiB at a time) runs
        // out of stack when told to: by then the first chunk, larger than any output buffer, has gone out.
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                if (failChunks.get() && context.getRenderedSql().contains("o.other_heads, o.change_seq")
                        && chunks.incrementAndGet() == 2) {
                    throw new StackOverflowError("injected");
                }
            }
        });
        SyncStore store = SyncStore.builder(jdbi).build();
        store.migrate();
        store.push("tenant-a", List.of(
                Op.update("big", "doc", "note", VectorClock.of("a", 1), Payload.parse("\"" + "x".repeat(200_000) + "\"")),
                Op.update("small", "doc", "note", VectorClock.of("b", 1), Payload.parse("1"))));
        store.push("tenant-a", List.of(
                Op.update("a1", "big-a", "note", VectorClock.of("a", 1), Payload.parse("\"" + "a".repeat(700_000) + "\"")),
                Op.update("b1", "big-b", "note", VectorClock.of("a", 1), Payload.parse("\"" + "b".repeat(700_000) + "\""))));
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
        assertThat(db.count("sync_journal", "tenant-a")).as("only the ops pushed before").isEqualTo(4);
    }

    @Test
    void anErrorAfterTheAnswerStartedCutsTheConnection() throws Exception {
        failChunks.set(true);
        HttpTesting.Reply cut = HttpTesting.raw(service.port(), "POST /api/sync/v2/pull HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer tok-a\r\nContent-Length: 2\r\n\r\n{}", WAIT);
        failChunks.set(false);

        // The status went out with the first chunk; the body ends before its last chunk.
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(cut.text()).contains("\"objectId\":\"big-a\"").doesNotContain("\"objectId\":\"big-b\"");
        assertThat(cut.json()).as("body of a cut answer").isNull();
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("/api/sync/v2/pull", "tenant-a"));

        assertKeepsServing();
    }

    private void assertKeepsServing() throws Exception {
        assertThat(HttpTesting.health(http, service.port()).status()).isEqualTo(200);
        HttpTesting.Reply pulled = HttpTesting.pull(http, service.port(), "tok-a");
        assertThat(pulled.status()).isEqualTo(200);
        assertThat(pulled.json().get("objects").findValuesAsText("objectId")).containsExactly("doc", "big-a", "big-b");
    }
}
