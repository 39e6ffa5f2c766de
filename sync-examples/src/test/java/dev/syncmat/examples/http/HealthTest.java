package dev.syncmat.examples.http;

import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /health} asks the database through a data source of its own, with its own timeout:
 * 200 {@code {"status":"ok"}} when {@code SELECT 1} answers, 503 {@code {"status":"unavailable"}}
 * when the database refuses connections, does not exist, or does not answer in time.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HealthTest {
    private final HttpClient http = HttpTesting.client();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private SyncHttpService service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        List<AutoCloseable> all;
        synchronized (closing) {
            all = new ArrayList<>(closing);
        }
        for (AutoCloseable c : all) {
            c.close();
        }
    }

    private void start(DataSource health) throws IOException {
        TestDatabases.Database db = HttpTesting.postgres();
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        service = SyncHttpService.start(store, HttpTesting.TOKENS, ServiceOptions.builder().healthDataSource(health)
                .healthTimeout(Duration.ofMillis(500)).build());
    }

    private static PGSimpleDataSource at(int port, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[]{"127.0.0.1"});
        ds.setPortNumbers(new int[]{port});
        ds.setDatabaseName(database);
        ds.setUser("postgres");
        return ds;
    }

    private static void assertUnavailable(HttpTesting.Reply r) {
        assertJsonError(r, 503, "database_unavailable");
        assertThat(r.json().get("status").textValue()).isEqualTo("unavailable");
        assertThat(r.json().at("/database/reachable").booleanValue()).isFalse();
        assertThat(r.json().at("/database/schemaVersion").isMissingNode()).isTrue();
        assertThat(r.json().at("/database/latestSchemaVersion").intValue()).isEqualTo(LATEST);
    }

    // The health check compares with the library's own newest version; schema 7 (retention) is the least it can be.
    private static final int LATEST = SyncStore.latestSchemaVersion();

    @Test
    void aDatabaseThatAnswersIsOk() throws Exception {
        assertThat(LATEST).isGreaterThanOrEqualTo(7);
        TestDatabases.Database db = HttpTesting.postgres();
        SyncStore.create(db.jdbi()).migrate();
        start(HttpTesting.dataSource(db));
        HttpTesting.Reply r = HttpTesting.health(http, service.port());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{\"status\":\"ok\",\"database\":{\"reachable\":true,\"schemaVersion\":" + LATEST
                + ",\"latestSchemaVersion\":" + LATEST + "}}");
    }

    @Test
    void aDatabaseWithoutTheTablesIsUnavailableWithItsSchemaVersion() throws Exception {
        start(HttpTesting.dataSource(HttpTesting.postgres()));
        HttpTesting.Reply r = HttpTesting.health(http, service.port());
        assertJsonError(r, 503, "schema_outdated");
        assertThat(r.json().get("status").textValue()).isEqualTo("unavailable");
        assertThat(r.json().at("/database/reachable").booleanValue()).isTrue();
        assertThat(r.json().at("/database/schemaVersion").intValue()).isZero();
        assertThat(r.json().at("/error/message").textValue()).contains("version 0", "version " + LATEST);
    }

    @Test
    void withoutAHealthDataSourceTheAnswerIsTheSameAsBefore() throws Exception {
        start(null);
        HttpTesting.Reply r = HttpTesting.health(http, service.port());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        start(at(closedPort, "postgres"));
        for (int probe = 0; probe < 3; probe++) {
            assertUnavailable(HttpTesting.health(http, service.port()));
        }
    }

    @Test
    void aDatabaseThatIsGoneIsUnavailable() throws Exception {
        TestDatabases.Database db = HttpTesting.postgres();
        start(at(URI.create(db.url().substring("jdbc:".length())).getPort(), "no_such_database"));
        assertUnavailable(HttpTesting.health(http, service.port()));
    }

    @Test
    void aDatabaseThatNeverAnswersIsUnavailableWithinTheHealthTimeout() throws Exception {
        // Accepts connections and never says a word, as a database behind a dead network would.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        synchronized (closing) {
            closing.add(silent);
        }
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = silent.accept();
                    synchronized (closing) {
                        closing.add(s);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        start(at(silent.getLocalPort(), "postgres"));
        for (int probe = 0; probe < 3; probe++) {
            // health() allows 2 s; the service gives the database 500 ms.
            assertUnavailable(HttpTesting.health(http, service.port()));
        }
    }
}
