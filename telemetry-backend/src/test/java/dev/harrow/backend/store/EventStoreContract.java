package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the MongoDB event store must do, run against each MongoDB the project supports: the embedded
 * wire-compatible server here, a real MongoDB where a Docker engine exists.
 */
abstract class EventStoreContract {
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    MongoEventStore store;
    String database;

    abstract String mongoUri();

    @BeforeEach
    void open() {
        database = "contract" + UUID.randomUUID().toString().substring(0, 8);
        store = new MongoEventStore(dev.harrow.backend.TelemetryBackendAccess.mongoClient(mongoUri(),
                Duration.ofSeconds(3)), database, () -> { });
        store.ensureIndexes();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static TelemetryEvent event(String device, String type, Instant ts, Map<String, Object> props) {
        return new TelemetryEvent("shop", UUID.randomUUID(), type, ts, device, null, "s-1", Platform.ANDROID,
                "1.0.0", props, ts.plusMillis(5));
    }

    @Test
    void anEventIsStoredOnceHoweverOftenItIsAppended() throws Exception {
        List<TelemetryEvent> batch = List.of(event("d1", "a", T0, Map.of()), event("d1", "b", T0, Map.of()));

        assertThat(store.append(batch)).isEqualTo(AppendResult.stored(2, 0));
        assertThat(store.append(batch)).isEqualTo(AppendResult.stored(0, 2));
        assertThat(store.append(List.of(batch.get(0), event("d1", "c", T0, Map.of()))))
                .isEqualTo(AppendResult.stored(1, 1));
        assertThat(store.count(EventQuery.forDevice("d1"))).isEqualTo(3);
    }

    @Test
    void usesAreStoredApartAndQueriedTogether() throws Exception {
        store.append(List.of(event("d2", "screen_view", T0, Map.of()),
                event("d2", "log", T0.plusSeconds(1), Map.of("level", "error", "message", "boom")),
                event("d2", "push_delivered", T0.plusSeconds(2), Map.of("messageId", "m-1"))));

        try (MongoClient client = dev.harrow.backend.TelemetryBackendAccess.mongoClient(mongoUri(),
                Duration.ofSeconds(3))) {
            for (String collection : List.of("events", "logs", "push_receipts")) {
                assertThat(client.getDatabase(database).getCollection(collection).countDocuments())
                        .as(collection).isEqualTo(1);
            }
            Document stored = client.getDatabase(database).getCollection("logs").find().first();
            assertThat(stored.getString("_id")).startsWith("shop:");
            assertThat(stored.keySet()).contains("a", "e", "t", "ts", "d", "pr").doesNotContain("deviceId", "type");
        }
        assertThat(store.find(EventQuery.forDevice("d2"))).extracting(TelemetryEvent::type)
                .containsExactly("screen_view", "log", "push_delivered");
        assertThat(store.count(new EventQuery(null, "d2", "log", null, null, 10))).isEqualTo(1);
    }

    @Test
    void queriesFilterByTimeAndKeepTheOrder() throws Exception {
        for (int i = 0; i < 5; i++) {
            store.append(List.of(event("d3", "tick", T0.plus(i, ChronoUnit.MINUTES), Map.of("i", (long) i))));
        }

        List<TelemetryEvent> middle = store.find(new EventQuery("shop", "d3", "tick", T0.plus(1, ChronoUnit.MINUTES),
                T0.plus(4, ChronoUnit.MINUTES), 100));

        assertThat(middle).extracting(e -> e.props().get("i")).containsExactly(1L, 2L, 3L);
        assertThat(store.find(new EventQuery(null, "d3", null, null, null, 2))).hasSize(2);
    }

    @Test
    void propsKeepTheirTypes() throws Exception {
        Map<String, Object> props = Map.of("long", 5L, "double", 4.99, "text", "x", "flag", true,
                "list", List.of(1L, "two"), "nested", Map.of("deep", Map.of("v", 1L)));
        store.append(List.of(event("d4", "typed", T0, props)));

        assertThat(store.find(EventQuery.forDevice("d4")).get(0).props()).isEqualTo(props);
    }
}
