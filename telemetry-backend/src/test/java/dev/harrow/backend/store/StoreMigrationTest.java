package dev.harrow.backend.store;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.TelemetryBackendAccess;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.spill.EmbeddedRedis;
import dev.harrow.backend.spill.RedisSpillQueue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leaving the embedded store: everything a backend kept under its data dir (events, rollups, push tokens, scheduled
 * pushes, the spill) arrives in another wire-protocol server standing in for MongoDB, once, however often the
 * migration runs, and a backend pointed at it answers as before.
 */
class StoreMigrationTest {
    static final String KEY = "migrate-key-0001";
    static final String ADMIN = "migrate-admin-token";

    @TempDir
    Path dir;

    @Test
    void everythingTheEmbeddedStoreHeldArrivesOnceInTheTarget() throws Exception {
        Path data = dir.resolve("data");
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey("shop", KEY)), ADMIN)
                .withStorage(new BackendConfig.StorageSettings(null, "harrow", data, null, true))
                .withPush(PushSettings.sandboxed());
        String before;
        try (TelemetryBackend backend = TelemetryBackend.start(config)) {
            BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                events.add(event("device-" + (i % 30), i % 10 == 0 ? "log" : "screen_view"));
            }
            client.send(KEY, events);
            client.registerPushToken(KEY, Map.of("deviceId", "device-1", "token", "a".repeat(64),
                    "platform", "ios", "timeZone", "Europe/Berlin"));
            client.sendPush(Map.of("target", Map.of("deviceIds", List.of("device-1")),
                    "content", Map.of("title", "Later", "body", "tomorrow"),
                    "schedule", Map.of("localTime", LocalDateTime.now().plusDays(1).withNano(0).toString())));
            before = client.metrics("/admin/v1/metrics", window());
        }
        // Events still waiting in the spill when the backend stopped.
        List<TelemetryEvent> spilled = List.of(spilledEvent(), spilledEvent());
        try (EmbeddedRedis redis = EmbeddedRedis.startPersistent(data.resolve("redis"));
             RedisSpillQueue spill = RedisSpillQueue.connect(redis.uri(), "test", Duration.ofSeconds(30),
                     Duration.ofSeconds(5))) {
            spill.append(spilled);
        }

        try (EmbeddedMongo target = EmbeddedMongo.start(null);
             MongoClient targetClient = MongoClients.create(target.connectionString())) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            List<StoreMigration.Copied> first = new StoreMigration(data, "harrow", new PrintStream(progress))
                    .into(targetClient, "harrow");

            assertThat(first).extracting(StoreMigration.Copied::collection).contains("events", "logs",
                    "analytics_days", "analytics_user_days", "push_tokens", "push_messages", "push_batches",
                    "(spill)");
            assertThat(first).allSatisfy(c -> assertThat(c.copied() + c.alreadyThere()).isEqualTo(c.documents()));
            var events = targetClient.getDatabase("harrow").getCollection("events");
            assertThat(events.countDocuments()).isEqualTo(270 + 2);
            assertThat(events.find(new Document("_id", spilled.get(0).storageId())).first()).isNotNull();
            assertThat(targetClient.getDatabase("harrow").getCollection("push_tokens").countDocuments())
                    .isEqualTo(1);
            assertThat(progress.toString()).contains("events").contains("Redis spill");

            List<StoreMigration.Copied> again = new StoreMigration(data, "harrow", new PrintStream(progress))
                    .into(targetClient, "harrow");
            assertThat(again).as("a second run copies nothing twice")
                    .allSatisfy(c -> assertThat(c.copied()).isZero());

            // A backend pointed at the target answers as the embedded one did (the spilled events aside, which
            // the rollups count once rebuilt).
            BackendConfig onTarget = config.withStorage(new BackendConfig.StorageSettings(target.connectionString(),
                    "harrow", dir.resolve("other"), null, false));
            try (TelemetryBackend backend = TelemetryBackend.start(onTarget)) {
                BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
                assertThat(client.metrics("/admin/v1/metrics", window())).isEqualTo(before);
            }
        }
    }

    @Test
    void aDataDirWithoutAStoreIsNamedNotGuessed() {
        assertThatThrownBy(() -> new StoreMigration(dir.resolve("nothing"), "harrow", System.out)
                .into(TelemetryBackendAccess.mongoClient("mongodb://127.0.0.1:1", Duration.ofMillis(100)), "harrow"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no embedded store");
    }

    static Map<String, String> window() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        return Map.of("app", "shop", "from", today.minusDays(2).toString(), "to", today.plusDays(1).toString());
    }

    static TelemetryEvent spilledEvent() {
        Instant now = Instant.now();
        return new TelemetryEvent("shop", UUID.randomUUID(), "screen_view", now, "device-spilled", null, null,
                Platform.ANDROID, "1.0", Map.of(), now);
    }
}
