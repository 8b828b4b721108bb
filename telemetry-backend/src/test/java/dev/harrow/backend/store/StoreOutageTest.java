package dev.harrow.backend.store;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.support.RawHttp;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that goes away makes the collector answer 503 with Retry-After; once it is back, the batch is stored. */
class StoreOutageTest {
    static final String KEY = "outage-key-01";

    @Test
    void aDownStoreIs503WithRetryAfterAndTheRetriedBatchIsStoredOnceItReturns(@TempDir Path data) throws Exception {
        EmbeddedMongo mongo = EmbeddedMongo.start(data);
        int port = mongo.port();
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey("shop", KEY)), "admin-token-for-tests")
                .withStorage(new BackendConfig.StorageSettings(mongo.connectionString(), "harrow", null));
        ObjectMapper json = new ObjectMapper();
        byte[] batch = json.writeValueAsBytes(Map.of("events", List.of(event("dev-outage", "a"))));
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-App-Key", KEY);

        try (TelemetryBackend backend = TelemetryBackend.start(config)) {
            RawHttp http = new RawHttp(backend.baseUri());
            mongo.close();

            HttpResponse<String> refused = http.post("/v1/events", headers, batch);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(http.request("GET", "/health/ready", Map.of()).statusCode()).isEqualTo(503);

            mongo = EmbeddedMongo.start(data, port);
            await().atMost(Duration.ofSeconds(20)).until(() -> http.post("/v1/events", headers, batch).statusCode() == 200);
            assertThat(backend.store().count(EventQuery.forDevice("dev-outage"))).isEqualTo(1);
        } finally {
            mongo.close();
        }
    }
}
