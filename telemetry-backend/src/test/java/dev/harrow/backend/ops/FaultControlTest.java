package dev.harrow.backend.ops;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.IngestLimits;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.support.RawHttp;
import dev.harrow.backend.support.TestStores;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault controls cut the backend off a store through a relay, the same way for embedded and real stores. */
class FaultControlTest {
    static final Map<String, String> INGEST = Map.of("Content-Type", "application/json", "X-App-Key",
            TestStores.APP_KEY);
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TestStores.ADMIN_TOKEN,
            "Content-Type", "application/json");
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;
    TestStores stores;
    TelemetryBackend backend;

    @BeforeEach
    void start() {
        stores = new TestStores(dir);
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        stores.close();
    }

    RawHttp start(BackendConfig config) {
        backend = TelemetryBackend.start(config);
        return new RawHttp(backend.baseUri());
    }

    HttpResponse<String> fault(RawHttp http, String store, String mode) throws Exception {
        return http.post("/admin/v1/faults", ADMIN, json.writeValueAsBytes(Map.of("store", store, "mode", mode)));
    }

    byte[] batch(String device, int n) throws Exception {
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event(device, "screen_view"));
        }
        return json.writeValueAsBytes(Map.of("events", events));
    }

    @Test
    void faultControlsAreOffUnlessConfigured() throws Exception {
        RawHttp http = start(stores.backendConfig());

        assertThat(fault(http, "mongodb", "down").statusCode()).isEqualTo(403);
        assertThat(http.post("/admin/v1/faults", Map.of("Content-Type", "application/json"), new byte[0])
                .statusCode()).isEqualTo(401);
    }

    @Test
    void cuttingMongoSendsWritesToTheSpillAndRestoringItDrainsThem() throws Exception {
        RawHttp http = start(stores.backendConfig().withFaultsEnabled(true));

        assertThat(fault(http, "mongodb", "down").statusCode()).isEqualTo(200);
        assertThat(http.post("/v1/events", INGEST, batch("dev-cut", 6)).statusCode()).isEqualTo(200);
        assertThat(json.readTree(http.request("GET", "/admin/v1/ingest", ADMIN).body())
                .get("acceptedIntoSpill").asLong()).isEqualTo(6);
        assertThat(json.readTree(http.request("GET", "/admin/v1/faults", ADMIN).body()).get("stores")
                .get("mongodb").asText()).isEqualTo("down");

        fault(http, "mongodb", "up");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> backend.store().count(EventQuery.forDevice("dev-cut")) == 6);
    }

    @Test
    void aHangingMongoIsSpilledAroundAfterTheStoreTimeout() throws Exception {
        RawHttp http = start(stores.backendConfig().withFaultsEnabled(true));
        fault(http, "mongodb", "hang");

        HttpResponse<String> response = http.post("/v1/events", INGEST, batch("dev-hang", 3));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(http.request("GET", "/admin/v1/ingest", ADMIN).body())
                .get("acceptedIntoSpill").asLong()).isEqualTo(3);
        fault(http, "mongodb", "up");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> backend.store().count(EventQuery.forDevice("dev-hang")) == 3);
    }

    @Test
    void cuttingBothStoresIs503() throws Exception {
        RawHttp http = start(stores.backendConfig().withFaultsEnabled(true));
        fault(http, "mongodb", "down");
        fault(http, "redis", "down");

        HttpResponse<String> response = http.post("/v1/events", INGEST, batch("dev-both", 2));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void tooManyBatchesAtOnceGet429WithRetryAfter() throws Exception {
        IngestLimits one = IngestLimits.defaults();
        one = new IngestLimits(one.maxEventsPerBatch(), one.maxEventBytes(), one.maxBatchBytes(),
                one.maxDecompressedBytes(), one.maxNestingDepth(), 1);
        RawHttp http = start(stores.backendConfig().withFaultsEnabled(true).withLimits(one)
                .withStorage(new BackendConfig.StorageSettings(stores.mongoUri(), "harrow", null, null, false)));
        fault(http, "mongodb", "hang");
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
            try {
                return http.post("/v1/events", INGEST, batch("dev-busy", 1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5))
                .until(() -> backend.metrics().scrape().contains("harrow_ingest_batches_in_flight 1"));

        HttpResponse<String> second = http.post("/v1/events", INGEST, batch("dev-busy", 1));

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(first.get().statusCode()).as("no spill: the hung store is a 503").isEqualTo(503);
    }
}
