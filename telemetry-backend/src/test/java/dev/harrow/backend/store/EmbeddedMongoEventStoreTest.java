package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harrow.backend.TelemetryBackendAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMongoEventStoreTest extends EventStoreContract {
    @TempDir
    static Path dir;
    static EmbeddedMongo mongo;

    @BeforeAll
    static void start() {
        mongo = EmbeddedMongo.start(dir.resolve("shared"));
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Override
    String mongoUri() {
        return mongo.connectionString();
    }

    @Test
    void aCommittedWriteIsOnDiskBeforeTheStoreIsClosed() throws Exception {
        Path data = dir.resolve("durable");
        EmbeddedMongo own = EmbeddedMongo.start(data);
        MongoEventStore durable = new MongoEventStore(TelemetryBackendAccess.mongoClient(own.connectionString(),
                Duration.ofSeconds(3)), "harrow", own::commit);
        durable.append(List.of(event("d-durable", "a", T0, Map.of())));
        long sizeAfterCommit = java.nio.file.Files.size(data.resolve(EmbeddedMongo.DATA_FILE));
        durable.close();
        own.close();

        assertThat(sizeAfterCommit).isPositive();
        EmbeddedMongo reopened = EmbeddedMongo.start(data);
        try (MongoEventStore again = new MongoEventStore(TelemetryBackendAccess.mongoClient(
                reopened.connectionString(), Duration.ofSeconds(3)), "harrow", reopened::commit)) {
            assertThat(again.count(EventQuery.forDevice("d-durable"))).isEqualTo(1);
        } finally {
            reopened.close();
        }
    }

    @Test
    void aStoreThatIsGoneIsUnavailableNotBroken() {
        EmbeddedMongo gone = EmbeddedMongo.start(null);
        MongoEventStore orphan = new MongoEventStore(TelemetryBackendAccess.mongoClient(gone.connectionString(),
                Duration.ofMillis(500)), "harrow", () -> { });
        gone.close();
        try {
            assertThatThrownBy(() -> orphan.append(List.of(event("d", "a", T0, Map.of()))))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> orphan.count(EventQuery.all())).isInstanceOf(StoreUnavailableException.class);
            assertThat(orphan.ping()).isFalse();
        } finally {
            orphan.close();
        }
    }
}
