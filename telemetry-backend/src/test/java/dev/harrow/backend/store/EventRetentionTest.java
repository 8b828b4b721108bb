package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.TelemetryBackendAccess;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Raw events older than the retention go; newer ones, and every other collection, stay. */
class EventRetentionTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static TelemetryEvent at(Instant ts, String type) {
        return new TelemetryEvent("shop", UUID.randomUUID(), type, ts, "d", null, null, Platform.WEB, "1", Map.of(),
                ts);
    }

    @Test
    void eventsOlderThanTheRetentionAreDeletedInChunksAndTheRestStays() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(null);
             MongoEventStore store = new MongoEventStore(TelemetryBackendAccess.mongoClient(mongo.connectionString(),
                     Duration.ofSeconds(5)), "harrow", () -> { })) {
            List<TelemetryEvent> events = new ArrayList<>();
            for (int i = 0; i < 12_000; i++) {
                events.add(at(NOW.minus(Duration.ofDays(40)).plusSeconds(i), i % 3 == 0 ? "log" : "screen_view"));
            }
            for (int i = 0; i < 500; i++) {
                events.add(at(NOW.minus(Duration.ofDays(5)).plusSeconds(i), "screen_view"));
            }
            for (int from = 0; from < events.size(); from += 1000) {
                store.append(events.subList(from, Math.min(events.size(), from + 1000)));
            }
            store.database().getCollection("analytics_days").insertOne(new org.bson.Document("_id", "kept"));
            BackendMetrics metrics = new BackendMetrics();

            long deleted = new EventRetention(store, 30, Clock.fixed(NOW, ZoneOffset.UTC), metrics).sweep();

            assertThat(deleted).isEqualTo(12_000);
            assertThat(store.count(EventQuery.all())).isEqualTo(500);
            assertThat(store.database().getCollection("analytics_days").countDocuments()).isEqualTo(1);
            assertThat(metrics.counterValue(EventRetention.DELETED)).isEqualTo(12_000);
        }
    }
}
