package dev.syncmat.examples.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.syncmat.core.clock.VectorClock;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.op.Payload;
import dev.syncmat.jdbi.PolicyMismatchException;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import static dev.syncmat.examples.http.HttpTesting.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service whose merge policy is not the one recorded for a tenant answers that tenant's pushes
 * with 500 {@code policy_mismatch} (a server misconfiguration, logged as an ERROR) and writes
 * nothing; other tenants are served.
 */
class PolicyMismatchHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpTesting.client();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger serviceLog;
    private SyncHttpService service;

    @AfterEach
    void stop() {
        if (serviceLog != null) {
            serviceLog.detachAppender(logged);
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aPushUnderAnotherPolicyThanTheTenantsIsA500PolicyMismatchAndWritesNothing() throws Exception {
        TestDatabases.Database db = TestDatabases.h2();
        SyncStore updateWins = SyncStore.builder(db.jdbi()).mergePolicy(MergePolicy.updateWins()).build();
        updateWins.migrate();
        updateWins.push("tenant-a", List.of(Op.update("a1", "doc", "note", VectorClock.of("a", 1), Payload.parse("1"))));
        serviceLog = (Logger) LoggerFactory.getLogger("dev.syncmat.examples.http");
        logged.start();
        serviceLog.addAppender(logged);
        service = SyncHttpService.start(SyncStore.create(db.jdbi()), HttpTesting.TOKENS,
                ServiceOptions.builder().threads(2).build());

        HttpTesting.Reply refused = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-a",
                HttpTesting.pushBody("p-1", "o-1"), WAIT);
        assertJsonError(refused, 500, "policy_mismatch");
        assertThat(refused.json().at("/error/message").textValue()).contains("\"delete-wins\"", "\"update-wins\"");
        assertThat(db.count("sync_journal", "tenant-a")).isEqualTo(1);
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("/api/sync/v2/push", "tenant-a"))
                .satisfies(e -> assertThat(e.getThrowableProxy().getClassName())
                        .isEqualTo(PolicyMismatchException.class.getName()));

        HttpTesting.Reply other = HttpTesting.send(http, service.port(), "POST", "/api/sync/v2/push", "tok-b",
                HttpTesting.pushBody("p-1", "o-1"), WAIT);
        assertThat(other.status()).as("%s", other).isEqualTo(200);
        assertThat(db.count("sync_journal", "tenant-b")).isEqualTo(1);
    }
}
