package dev.harrow.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.harrow.backend.support.BackendProcess;
import dev.harrow.backend.support.RetryingClient;
import dev.harrow.backend.support.TestStores;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarantee under fire: 50,000 events from 8 retrying clients while MongoDB is stopped and restarted three
 * times, Redis once while MongoDB is up, and the backend itself is killed with SIGKILL and restarted. Afterwards
 * MongoDB holds exactly the events the clients sent: none lost, none twice.
 */
class CollectionFaultIT {
    static final int CLIENTS = 8;
    static final int EVENTS_PER_CLIENT = 6_250;
    static final int BATCH = 50;
    static final int TOTAL = CLIENTS * EVENTS_PER_CLIENT;
    static final Duration DEADLINE = Duration.ofMinutes(6);

    @TempDir
    Path dir;

    @Test
    void fiftyThousandEventsSurviveStoreOutagesAndAKilledBackendExactlyOnce() throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        try (TestStores stores = new TestStores(dir.resolve("stores"))) {
            Path config = dir.resolve("backend.yml");
            Files.writeString(config, """
                    resilience:
                      storeTimeoutMs: 1500
                      breakerOpenMs: 300
                      breakerOpenMaxMs: 2000
                      retryAfterMs: 1000
                      spillLeaseMs: 3000
                    """);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("MONGODB_URI", stores.mongoUri());
            env.put("REDIS_URI", stores.redisUri());
            env.put("HARROW_APP_KEYS", "shop=" + TestStores.APP_KEY);
            env.put("HARROW_ADMIN_TOKEN", TestStores.ADMIN_TOKEN);
            env.put("HARROW_DATA_DIR", dir.resolve("backend-data").toString());
            env.put("HARROW_INSTANCE_ID", "fault-test");
            BackendProcess backend = new BackendProcess(dir, env, List.of("--config", config.toString())).start();
            try {
                List<List<Map<String, Object>>> work = new ArrayList<>();
                Set<String> expected = new HashSet<>();
                for (int c = 0; c < CLIENTS; c++) {
                    List<Map<String, Object>> events = new ArrayList<>();
                    for (int i = 0; i < EVENTS_PER_CLIENT; i++) {
                        String id = UUID.randomUUID().toString();
                        expected.add("shop:" + id);
                        events.add(Map.of("eventId", id, "type", "screen_view", "ts", Instant.now().toString(),
                                "deviceId", "client-" + c, "props", Map.of("i", i)));
                    }
                    work.add(events);
                }

                AtomicLong delivered = new AtomicLong();
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                List<Future<Long>> results = new ArrayList<>();
                for (List<Map<String, Object>> events : work) {
                    results.add(clients.submit(() -> {
                        RetryingClient client = new RetryingClient(backend.uri(), TestStores.APP_KEY);
                        for (int from = 0; from < events.size(); from += BATCH) {
                            List<Map<String, Object>> batch = events.subList(from, Math.min(events.size(),
                                    from + BATCH));
                            client.deliver(batch, deadline);
                            delivered.addAndGet(batch.size());
                        }
                        return client.retries();
                    }));
                }

                // Faults at points of progress, so that each one lands mid-stream however fast the machine is.
                Map<Double, FaultStep> schedule = new LinkedHashMap<>();
                schedule.put(0.10, stores::stopMongo);
                schedule.put(0.18, stores::startMongo);
                schedule.put(0.25, stores::stopMongo);
                schedule.put(0.32, stores::startMongo);
                schedule.put(0.40, stores::stopRedis);
                schedule.put(0.47, stores::startRedis);
                schedule.put(0.55, () -> {
                    backend.kill();
                    backend.start();
                });
                schedule.put(0.65, stores::stopMongo);
                schedule.put(0.75, stores::startMongo);
                for (Map.Entry<Double, FaultStep> step : schedule.entrySet()) {
                    awaitProgress(delivered, step.getKey(), deadline);
                    step.getValue().run();
                }

                long retries = 0;
                for (Future<Long> result : results) {
                    retries += result.get();
                }
                clients.shutdown();
                assertThat(delivered.get()).isEqualTo(TOTAL);

                HttpClient http = HttpClient.newHttpClient();
                ObjectMapper json = new ObjectMapper();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> json.readTree(
                        http.send(HttpRequest.newBuilder(backend.uri().resolve("/admin/v1/ingest"))
                                .header("Authorization", "Bearer " + TestStores.ADMIN_TOKEN).build(),
                                HttpResponse.BodyHandlers.ofString()).body()).get("spillDepth").asLong() == 0);

                Set<String> stored = new HashSet<>();
                long documents;
                try (MongoClient mongo = MongoClients.create(stores.mongoUri())) {
                    documents = mongo.getDatabase("harrow").getCollection("events").countDocuments();
                    for (Document doc : mongo.getDatabase("harrow").getCollection("events").find()
                            .projection(new Document("_id", 1))) {
                        stored.add(doc.getString("_id"));
                    }
                }
                System.out.printf("fault run: %d events, %d retries by clients%n", TOTAL, retries);
                assertThat(documents).as("no duplicates").isEqualTo(TOTAL);
                assertThat(stored).as("no loss").isEqualTo(expected);
            } finally {
                backend.close();
            }
        }
    }

    @FunctionalInterface
    interface FaultStep {
        void run() throws Exception;
    }

    private static void awaitProgress(AtomicLong delivered, double fraction, Instant deadline) {
        long target = (long) (TOTAL * fraction);
        await().atMost(Duration.between(Instant.now(), deadline)).pollInterval(Duration.ofMillis(20))
                .until(() -> delivered.get() >= target);
    }
}
