package dev.harrow.backend.store;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.support.RawHttp;
import dev.harrow.backend.support.TestStores;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MongoDB in maintenance: the collector keeps acknowledging through the Redis spill and writes it back after. */
class RedisFallbackTest {
    static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "X-App-Key",
            TestStores.APP_KEY);
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;
    TestStores stores;
    TelemetryBackend backend;
    RawHttp http;

    @BeforeEach
    void start() {
        stores = new TestStores(dir);
        backend = TelemetryBackend.start(stores.backendConfig());
        http = new RawHttp(backend.baseUri());
    }

    @AfterEach
    void stop() {
        backend.close();
        stores.close();
    }

    HttpResponse<String> send(List<Map<String, Object>> events) throws Exception {
        return http.post("/v1/events", HEADERS, json.writeValueAsBytes(Map.of("events", events)));
    }

    static List<Map<String, Object>> batch(String device, int n) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event(device, "screen_view"));
        }
        return events;
    }

    @Test
    void whileMongoIsDownBatchesAreAcknowledgedThroughTheSpillAndWrittenBackOnceItReturns() throws Exception {
        assertThat(send(batch("dev-fallback", 5)).statusCode()).isEqualTo(200);

        stores.stopMongo();
        List<Map<String, Object>> duringOutage = batch("dev-fallback", 20);
        HttpResponse<String> spilled = send(duringOutage);
        assertThat(spilled.statusCode()).isEqualTo(200);
        assertThat(json.readTree(spilled.body()).get("accepted").asInt()).isEqualTo(20);
        // a retry of the same batch while spilled is held again, and stored once all the same
        assertThat(send(duringOutage).statusCode()).isEqualTo(200);
        HttpResponse<String> readiness = http.request("GET", "/health/ready", Map.of());
        JsonNode ready = json.readTree(readiness.body());
        assertThat(readiness.statusCode()).as("Redis still takes writes: the instance stays in").isEqualTo(200);
        assertThat(ready.get("status").asText()).as("but writes do not reach MongoDB").isEqualTo("degraded");
        assertThat(ready.get("reasons").toString()).contains("Redis spill");
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.metrics().scrape()
                .contains("harrow_spill_depth_events 40"));

        stores.startMongo();

        await().atMost(Duration.ofSeconds(20)).until(() -> backend.store().count(EventQuery.forDevice("dev-fallback"))
                == 25 && backend.metrics().scrape().contains("harrow_spill_depth_events 0"));
        assertThat(backend.metrics().counterValue(BackendMetrics.DRAINED)).isEqualTo(40);
        assertThat(backend.metrics().counterValue(BackendMetrics.DRAIN_DUPLICATES)).isEqualTo(20);
        assertThat(backend.metrics().counterSum(BackendMetrics.ACCEPTED, "held_in", "spill")).isEqualTo(40);
        await().atMost(Duration.ofSeconds(10)).until(() -> json.readTree(http.request("GET", "/health/ready",
                Map.of()).body()).get("status").asText().equals("ready"));
    }

    @Test
    void whenNeitherStoreCanTakeAWriteNothingIsAcknowledgedAndTheClientIsToldWhenToComeBack() throws Exception {
        stores.stopMongo();
        stores.stopRedis();
        List<Map<String, Object>> events = batch("dev-both-down", 3);

        HttpResponse<String> refused = send(events);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.request("GET", "/health/ready", Map.of()).statusCode() == 503);

        stores.startRedis();
        stores.startMongo();
        await().atMost(Duration.ofSeconds(20)).until(() -> send(events).statusCode() == 200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> backend.store().count(EventQuery.forDevice("dev-both-down")) == 3);
    }

    @Test
    void redisGoingDownWhileMongoIsUpChangesNothingForClients() throws Exception {
        stores.stopRedis();

        assertThat(send(batch("dev-redis-down", 4)).statusCode()).isEqualTo(200);
        assertThat(backend.store().count(EventQuery.forDevice("dev-redis-down"))).isEqualTo(4);
        assertThat(http.request("GET", "/health/ready", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void theCircuitBreakerStopsPayingMongosTimeoutOnEveryRequest() throws Exception {
        backend.close();
        backend = TelemetryBackend.start(stores.backendConfig().withResilience(TestStores.fastResilience()
                .withBreakerOpenFor(Duration.ofSeconds(60))));
        http = new RawHttp(backend.baseUri());
        stores.stopMongo();

        for (int i = 0; i < 10; i++) {
            assertThat(send(batch("dev-breaker", 2)).statusCode()).isEqualTo(200);
        }

        String scrape = backend.metrics().scrape();
        long failedMongoWrites = Long.parseLong(scrape.lines()
                .filter(l -> l.startsWith("harrow_store_write_seconds_count{store=\"mongodb\",outcome=\"error\"}"))
                .findFirst().orElseThrow().split(" ")[1]);
        assertThat(failedMongoWrites).as("writes that waited for MongoDB to fail").isEqualTo(1);
        assertThat(scrape).contains("harrow_circuit_open{store=\"mongodb\"} 1");
    }
}
