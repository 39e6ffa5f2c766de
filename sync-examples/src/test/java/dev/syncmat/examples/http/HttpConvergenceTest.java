package dev.syncmat.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncmat.core.json.SyncJson;
import dev.syncmat.core.merge.MaterializedObject;
import dev.syncmat.core.merge.MergePolicy;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.testing.CausalHistories;
import dev.syncmat.core.testing.CausalHistory;
import dev.syncmat.core.testing.ConvergenceCheck;
import dev.syncmat.jdbi.SyncStore;
import dev.syncmat.jdbi.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The kit's {@link ConvergenceCheck} end to end, as a team would run it against its own service:
 * every delivery (shuffled, batched, duplicated) is pushed over HTTP to the example service as a
 * fresh tenant, every object is pulled back over HTTP, and the result must equal the reference
 * model's. The test knows the service only by its start call; the rest is the wire protocol.
 */
class HttpConvergenceTest {
    private static final int TENANTS = 20;
    private static final int MAX_BODY = 1024 * 1024;
    private static final SyncJson JSON = SyncJson.create();

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger nextTenant = new AtomicInteger();
    private SyncHttpService service;
    private TestDatabases.Database db;

    private void start(TestDatabases.Kind kind) throws IOException {
        db = TestDatabases.create(kind);
        SyncStore store = SyncStore.create(db.jdbi());
        store.migrate();
        Map<String, String> tenantsByToken = new LinkedHashMap<>();
        for (int t = 0; t < TENANTS; t++) {
            tenantsByToken.put("tok-" + t, "tenant-" + t);
        }
        service = SyncHttpService.start(store, tenantsByToken, ServiceOptions.builder().maxBodyBytes(MAX_BODY).threads(4).build());
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** The system under test: a new tenant per delivery, a push per batch, then a pull of everything. */
    private List<MaterializedObject> pushThenPullAll(List<List<Op>> batches) throws Exception {
        int tenant = nextTenant.getAndIncrement();
        assertThat(tenant).as("tokens left").isLessThan(TENANTS);
        String token = "tok-" + tenant;
        for (List<Op> batch : batches) {
            StringBuilder body = new StringBuilder("{\"ops\":[");
            for (int i = 0; i < batch.size(); i++) {
                body.append(i == 0 ? "" : ",").append(JSON.writeOp(batch.get(i)));
            }
            JsonNode pushed = post(token, "/api/sync/v2/push", body.append("]}").toString());
            assertThat(pushed.get("results")).as("results of a push").hasSize(batch.size());
        }
        List<MaterializedObject> objects = new ArrayList<>();
        String cursor = null;
        while (true) {
            JsonNode page = post(token, "/api/sync/v2/pull", "{\"sinceCursor\":"
                    + (cursor == null ? "null" : "\"" + cursor + "\"") + ",\"limit\":7}");
            page.get("objects").forEach(o -> objects.add(JSON.readObject(o)));
            cursor = page.get("serverCursor").textValue();
            if (!page.get("hasMore").booleanValue()) {
                return objects;
            }
        }
    }

    private JsonNode post(String token, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as("status of %s: %s", path, response.body()).isEqualTo(200);
        return SyncJson.parseTree(response.body(), "response");
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void everyDeliveryOverHttpEndsInTheReferenceModelsState(TestDatabases.Kind kind) throws Exception {
        start(kind);
        ConvergenceCheck check = ConvergenceCheck.of(MergePolicy.deleteWins()).runs(4).maxBatch(12).seed(kind.ordinal());
        int ops = 0;
        for (long seed = 1; seed <= 2; seed++) {
            CausalHistory history = CausalHistories.defaults().replicas(4).objects(6).steps(40).generate(seed);
            check.check(history, this::pushThenPullAll);
            ops += history.ops().size();
        }
        assertThat(nextTenant.get()).as("deliveries").isEqualTo(8);
        // Each delivery wrote its ops once into its own tenant's journal, re-sent ones included.
        assertThat(db.count("sync_journal")).isEqualTo(4L * ops);
    }

    @ParameterizedTest
    @MethodSource("dev.syncmat.jdbi.TestDatabases#kinds")
    void aServiceRunningAnotherPolicyFailsTheCheckWithTheObjectThatDiffers(TestDatabases.Kind kind) throws Exception {
        start(kind);
        CausalHistory history = CausalHistories.defaults().replicas(4).objects(8).steps(120).generate(1);
        // The service runs delete-wins; checking it against update-wins must find a difference.
        AssertionError e = catchThrowableOfType(AssertionError.class, () -> ConvergenceCheck.of(MergePolicy.updateWins())
                .runs(1).check(history, this::pushThenPullAll));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("run 1 of 1 (seed 0; ").contains(" does not converge: object \"")
                .contains("winnerOpId").contains("\n  expected: ").contains("\n  actual:   ");
    }
}
