package dev.harrow.backend.store;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.spill.RedisSpillQueue;
import dev.harrow.backend.support.RawHttp;
import dev.harrow.backend.support.TestStores;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event the store refuses every time never wedges the rest: it is dead-lettered with its error, its neighbours are
 * stored and acknowledged, the drain goes past it, the breaker stays closed, and readiness says {@code degraded}
 * until an operator retries or dismisses it.
 */
class DeadLetterTest {
    static final Map<String, String> APP = Map.of("Content-Type", "application/json", "X-App-Key",
            TestStores.APP_KEY);
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TestStores.ADMIN_TOKEN,
            "Content-Type", "application/json");
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

    JsonNode get(String path) throws Exception {
        return json.readTree(http.request("GET", path, ADMIN).body());
    }

    JsonNode post(String path, Object body) throws Exception {
        HttpResponse<String> response = http.post(path, ADMIN, json.writeValueAsBytes(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    long stored(String device) throws Exception {
        return backend.store().count(EventQuery.forDevice(device));
    }

    @Test
    void anEventAnIndexRefusesIsDeadLetteredWhileItsNeighboursAreStored() throws Exception {
        // A rule the store enforces on some documents only: one order id per event.
        try (MongoClient admin = MongoClients.create(stores.mongoUri())) {
            admin.getDatabase("harrow").getCollection("events").createIndex(Indexes.ascending("pr.orderId"),
                    new IndexOptions().unique(true).sparse(true).name("one_event_per_order"));
        }
        Map<String, Object> first = withOrder(event("poisoned", "purchase"), "o-1");
        Map<String, Object> refused = withOrder(event("poisoned", "purchase"), "o-1");
        Map<String, Object> plain = event("poisoned", "screen_view");

        HttpResponse<String> reply = http.post("/v1/events", APP,
                json.writeValueAsBytes(Map.of("events", List.of(first, refused, plain))));

        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(reply.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(3);
        assertThat(body.get("deadLettered").asInt()).isEqualTo(1);
        assertThat(stored("poisoned")).isEqualTo(2);
        JsonNode ready = get("/health/ready");
        assertThat(ready.get("status").asText()).isEqualTo("degraded");
        assertThat(ready.get("reasons").toString()).contains("dead-lettered");
        assertThat(ready.get("mongodbCircuit").asText()).as("one document never opens the breaker")
                .isEqualTo("closed");

        JsonNode letters = get("/admin/v1/dead-letters");
        assertThat(letters.get("pending").asInt()).isEqualTo(1);
        JsonNode letter = letters.get("deadLetters").get(0);
        assertThat(letter.get("event").get("eventId").asText()).isEqualTo(refused.get("eventId"));
        assertThat(letter.get("heldIn").asText()).isEqualTo("store");
        assertThat(letter.get("error").asText()).contains("11000");
        assertThat(backend.metrics().scrape()).contains("harrow_dead_letters_total{app=\"shop\"} 1");

        // Retried while the rule still holds: refused again, kept, counted.
        JsonNode again = post("/admin/v1/dead-letters/retry", Map.of("ids", List.of(letter.get("id").asText())));
        assertThat(again.get("refusedAgain").asInt()).isEqualTo(1);
        assertThat(get("/admin/v1/dead-letters").get("deadLetters").get(0).get("attempts").asInt()).isEqualTo(2);

        // The operator fixes the rule and retries: stored once, the list is empty, readiness is back.
        try (MongoClient admin = MongoClients.create(stores.mongoUri())) {
            admin.getDatabase("harrow").getCollection("events").dropIndex("one_event_per_order");
        }
        JsonNode retried = post("/admin/v1/dead-letters/retry", Map.of("all", true));
        assertThat(retried.get("stored").asInt()).isEqualTo(1);
        assertThat(stored("poisoned")).isEqualTo(3);
        assertThat(get("/admin/v1/dead-letters").get("pending").asInt()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/health/ready").get("status").asText()
                .equals("ready"));
    }

    @Test
    void aSpilledEventTooLargeForAnyStoreIsDeadLetteredAndTheDrainMovesPastIt() throws Exception {
        TelemetryEvent before = spilled("drained", Map.of("n", 1));
        TelemetryEvent huge = spilled("drained", Map.of("blob", "x".repeat(17 * 1024 * 1024)));
        TelemetryEvent after = spilled("drained", Map.of("n", 2));
        try (RedisSpillQueue planter = RedisSpillQueue.connect(stores.redisUri(), "planter", Duration.ofSeconds(30),
                Duration.ofSeconds(5))) {
            planter.append(List.of(before, huge, after));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> stored("drained") == 2
                && get("/health/ready").get("spillDepth").asLong() == 0);
        JsonNode ready = get("/health/ready");
        assertThat(ready.get("status").asText()).isEqualTo("degraded");
        assertThat(ready.get("mongodbCircuit").asText()).isEqualTo("closed");
        JsonNode letters = get("/admin/v1/dead-letters");
        assertThat(letters.get("pending").asInt()).isEqualTo(1);
        JsonNode letter = letters.get("deadLetters").get(0);
        // Too large for MongoDB's dead-letter collection as well: the spill's own list holds it.
        assertThat(letter.get("heldIn").asText()).isEqualTo("spill");
        assertThat(letter.get("event").get("eventId").asText()).isEqualTo(huge.eventId().toString());

        JsonNode dismissed = post("/admin/v1/dead-letters/dismiss", Map.of("ids", List.of(letter.get("id")
                .asText())));
        assertThat(dismissed.get("dismissed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/health/ready").get("status").asText()
                .equals("ready"));
    }

    static Map<String, Object> withOrder(Map<String, Object> event, String orderId) {
        Map<String, Object> copy = new HashMap<>(event);
        copy.put("props", Map.of("orderId", orderId, "amount", 5, "currency", "EUR"));
        return copy;
    }

    static TelemetryEvent spilled(String device, Map<String, Object> props) {
        Instant now = Instant.now();
        return new TelemetryEvent("shop", UUID.randomUUID(), "screen_view", now, device, null, "s-1", Platform.IOS,
                "1.0.0", props, now);
    }
}
