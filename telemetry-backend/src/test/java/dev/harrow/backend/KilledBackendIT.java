package dev.harrow.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.harrow.backend.bench.BenchmarkReport;
import dev.harrow.backend.store.EmbeddedMongo;
import dev.harrow.backend.support.BackendProcess;
import dev.harrow.backend.support.RetryingClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default setup killed for real: a standalone backend on its embedded store and embedded Redis (both inside, or
 * started by, the killed process), SIGKILLed {@value #KILLS} times at random moments while {@value #CLIENTS} clients
 * send batches of {@value #BATCH} and resend every unacknowledged batch with the same event ids. After the last
 * restart the backend must come back whole within a bound: spill empty, breaker closed, nothing dead-lettered,
 * readiness {@code ready}, and every acknowledged event stored exactly once. The seed is printed; set
 * {@code -Dharrow.chaos.seed=N} to replay a run's kill moments. The soak ({@code -Pchaos}) runs
 * {@code -Dharrow.chaos.trials=10} trials and writes {@code target/benchmarks/killed_backend.json}.
 */
class KilledBackendIT {
    static final int KILLS = 10;
    static final int CLIENTS = 4;
    static final int BATCH = 50;
    static final String KEY = "chaos-app-key-1";
    static final String ADMIN = "chaos-admin-token-1";
    static final Duration RECOVERY = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    /** What one trial measured. */
    record Trial(long seed, int acknowledged, long retries, double recoverySeconds, double seconds) {
    }

    @Test
    void tenKillsUnderFourRetryingClientsLeaveEveryAcknowledgedEventStoredOnceAndTheBackendWhole() throws Exception {
        int trials = Integer.getInteger("harrow.chaos.trials", 1);
        List<Trial> done = new ArrayList<>();
        for (int t = 1; t <= trials; t++) {
            long seed = t == 1 ? Long.getLong("harrow.chaos.seed", System.nanoTime()) : System.nanoTime();
            Trial trial = trial(tempDir.resolve("trial-" + t), seed);
            done.add(trial);
            System.out.printf("chaos trial %d of %d passed: %s%n", t, trials, trial);
        }
        if (trials > 1) {
            BenchmarkReport report = new BenchmarkReport("killed_backend")
                    .note("kills_per_trial", KILLS).note("clients", CLIENTS).note("batch", BATCH)
                    .note("setup", "standalone jar, embedded store and embedded Redis (the defaults)")
                    .measure("trials_recovered_whole", done.size(), "trials", BenchmarkReport.Goal.AT_LEAST, trials)
                    .measure("acknowledged_events_per_trial_min",
                            done.stream().mapToInt(Trial::acknowledged).min().orElse(0), "events")
                    .measure("recovery_after_last_restart_max",
                            done.stream().mapToDouble(Trial::recoverySeconds).max().orElse(0), "s",
                            BenchmarkReport.Goal.AT_MOST, RECOVERY.toSeconds())
                    .measure("trial_wall_time_max", done.stream().mapToDouble(Trial::seconds).max().orElse(0), "s");
            report.write(BenchmarkReport.defaultDir());
        }
    }

    Trial trial(Path dir, long seed) throws Exception {
        long started = System.nanoTime();
        Random random = new Random(seed);
        System.out.printf("chaos seed %d%n", seed);
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HARROW_DATA_DIR", data.toString());
        env.put("HARROW_APP_KEYS", "shop=" + KEY);
        env.put("HARROW_ADMIN_TOKEN", ADMIN);
        BackendProcess backend = new BackendProcess(dir, env, List.of()).start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong batches = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long retries = 0;
        double recoverySeconds;
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            List<Future<Long>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String device = "chaos-client-" + c;
                results.add(clients.submit(() -> {
                    RetryingClient client = new RetryingClient(backend.uri(), KEY);
                    while (sending.get()) {
                        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
                        for (int i = 0; i < BATCH; i++) {
                            batch.add(Map.of("eventId", UUID.randomUUID().toString(), "type", "screen_view",
                                    "ts", Instant.now().toString(), "deviceId", device, "props", Map.of("i", i)));
                        }
                        client.deliver(batch, deadline);  // the same ids until a 200
                        batch.forEach(e -> acknowledged.add("shop:" + e.get("eventId")));
                        batches.incrementAndGet();
                    }
                    return client.retries();
                }));
            }

            for (int kill = 1; kill <= KILLS; kill++) {
                long before = batches.get();
                // a random moment, once the restarted backend has taken some load
                await().atMost(Duration.ofSeconds(30)).until(() -> batches.get() > before + 2);
                Thread.sleep(random.nextInt(800));
                backend.kill();
                backend.start();
            }
            long before = batches.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> batches.get() > before + 4);
            sending.set(false);
            for (Future<Long> result : results) {
                retries += result.get();
            }

            long recoveryStart = System.nanoTime();
            await().atMost(RECOVERY).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonNode ready = ready(backend);
                assertThat(ready.get("status").asText()).as("readiness: %s", ready).isEqualTo("ready");
                assertThat(ready.get("spillDepth").asLong()).as("spill depth: %s", ready).isZero();
                assertThat(ready.get("mongodbCircuit").asText()).as("breaker: %s", ready).isEqualTo("closed");
                assertThat(ready.get("deadLetters").asLong()).as("dead letters: %s", ready).isZero();
            });
            recoverySeconds = (System.nanoTime() - recoveryStart) / 1e9;
            System.out.printf("chaos run: %d kills, %d acknowledged events, %d client retries; after the last "
                    + "restart: %s%n", KILLS, acknowledged.size(), retries, ready(backend));
        } finally {
            sending.set(false);
            clients.shutdownNow();
            backend.close();
        }

        // What the store holds, read from its file once the backend is gone.
        Set<String> stored = new HashSet<>();
        long documents;
        EmbeddedMongo store = EmbeddedMongo.start(data);
        try (MongoClient client = MongoClients.create(store.connectionString())) {
            documents = client.getDatabase("harrow").getCollection("events").countDocuments();
            for (Document doc : client.getDatabase("harrow").getCollection("events").find()
                    .projection(new Document("_id", 1))) {
                stored.add(doc.getString("_id"));
            }
            assertThat(client.getDatabase("harrow").getCollection("dead_letters").countDocuments())
                    .as("nothing dead-lettered").isZero();
        } finally {
            store.close();
        }
        assertThat(acknowledged).as("the clients got through").hasSizeGreaterThan(KILLS * BATCH);
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored);
        Set<String> unacknowledged = new HashSet<>(stored);
        unacknowledged.removeAll(acknowledged);
        assertThat(lost).as("acknowledged but not stored").isEmpty();
        assertThat(unacknowledged).as("stored but never acknowledged (every batch is resent until it is)").isEmpty();
        assertThat(documents).as("each stored once").isEqualTo(acknowledged.size());
        return new Trial(seed, acknowledged.size(), retries, recoverySeconds, (System.nanoTime() - started) / 1e9);
    }

    JsonNode ready(BackendProcess backend) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(backend.uri().resolve("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
