package dev.harrow.backend.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.TelemetryBackendAccess;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Resilience;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.store.EmbeddedMongo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * Ingest throughput and latency on loopback: 8 concurrent clients posting batches of 1, 50 and 500 events, through
 * the normal path (MongoDB) and the fallback path (MongoDB cut off, batches spilled to Redis), against the raw
 * {@code insertMany} rate of the same store as the ceiling. The store is the default one: the embedded
 * MongoDB-compatible server persisting to disk, each write committed before it counts (as the collector does
 * before it acknowledges).
 *
 * <p>Run: {@code mvn -pl telemetry-backend verify -Pbench -DskipTests}. Every run is bounded by an event count
 * and a time limit. Prints a table; record it in docs/BENCHMARKS.md.
 */
public final class IngestBenchmark {
    static final int CLIENTS = 8;
    static final int[] BATCH_SIZES = {1, 50, 500};
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);
    static final String KEY = "bench-key-00001";
    static final String ADMIN = "bench-admin-token-01";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ingest-bench-");
        try {
            new IngestBenchmark().run(work);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Events to send for one batch size: enough to run for seconds, bounded for batch size 1. */
    static int eventsFor(int batchSize) {
        return batchSize == 1 ? 8_000 : 80_000;
    }

    void run(Path work) throws Exception {
        System.out.printf(Locale.ROOT, "Harrow ingest benchmark: %d clients, loopback, %d cores, Java %s%n", CLIENTS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<String[]> rows = new ArrayList<>();
        List<String> drains = new ArrayList<>();
        for (int batchSize : BATCH_SIZES) {
            // The default deployment: embedded MongoDB-compatible store and Redis, both persisting to a data dir.
            BackendConfig config = BackendConfig.embedded(List.of(new AppKey("bench", KEY)), ADMIN)
                    .withStorage(new BackendConfig.StorageSettings(null, "bench", work.resolve("batch-" + batchSize),
                            null, true))
                    .withFaultsEnabled(true);
            Result ceiling;
            Result normal;
            // A generous store timeout: the normal path is measured, not its fallback under overload.
            try (TelemetryBackend backend = TelemetryBackend.start(config.withResilience(
                    Resilience.defaults().withStoreTimeout(Duration.ofSeconds(60))))) {
                EmbeddedMongo mongo = backend.embeddedStore().orElseThrow();
                // warm-up: JIT the store, the server and the clients before anything is measured
                ceiling(mongo, batchSize, eventsFor(batchSize) / 8);
                overHttp(backend.baseUri(), batchSize, eventsFor(batchSize) / 8);
                ceiling = ceiling(mongo, batchSize, eventsFor(batchSize));
                long spilledBefore = spilled(backend);
                normal = overHttp(backend.baseUri(), batchSize, eventsFor(batchSize));
                if (spilled(backend) != spilledBefore) {
                    throw new IllegalStateException("the normal path spilled: the measurement is not of MongoDB");
                }
            }
            // The fallback as deployed: MongoDB cut off, the breaker open after the first failed write.
            try (TelemetryBackend backend = TelemetryBackend.start(config)) {
                fault(backend.baseUri(), "down");
                overHttp(backend.baseUri(), batchSize, batchSize);
                Result fallback = overHttp(backend.baseUri(), batchSize, eventsFor(batchSize));
                fault(backend.baseUri(), "up");
                // the drain starts when the breaker lets a probe through; time it from the first drained event
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                        .until(() -> backend.metrics().counterValue(BackendMetrics.DRAINED) > 0);
                long drainStart = System.nanoTime();
                long firstRound = backend.metrics().counterValue(BackendMetrics.DRAINED);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> backend.metrics().scrape().contains("harrow_spill_depth_events 0\n"));
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                long drainedTimed = backend.metrics().counterValue(BackendMetrics.DRAINED) - firstRound;
                rows.add(row("insertMany (ceiling)", batchSize, ceiling, ceiling));
                rows.add(row("POST /v1/events, MongoDB", batchSize, normal, ceiling));
                rows.add(row("POST /v1/events, Redis fallback", batchSize, fallback, ceiling));
                drains.add(String.format(Locale.ROOT, "batch %d: drain back to MongoDB %,.0f events/s (%,d events "
                        + "after the first round, in %.1f s)", batchSize, drainedTimed / drainSeconds, drainedTimed,
                        drainSeconds));
            }
            System.out.printf(Locale.ROOT, "  batch %d done%n", batchSize);
        }
        System.out.println();
        System.out.println("| path | batch | events | events/s | p50 ms | p99 ms | of ceiling |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String[] row : rows) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
        System.out.println();
        drains.forEach(System.out::println);
    }

    static String[] row(String path, int batch, Result r, Result ceiling) {
        return new String[] {path, Integer.toString(batch), Integer.toString(r.events),
                String.format(Locale.ROOT, "%,.0f", r.eventsPerSecond()),
                String.format(Locale.ROOT, "%.2f", r.percentileMillis(50)),
                String.format(Locale.ROOT, "%.2f", r.percentileMillis(99)),
                String.format(Locale.ROOT, "%.0f%%", 100 * r.eventsPerSecond() / ceiling.eventsPerSecond())};
    }

    /** 8 threads calling insertMany (and the store's commit) directly with prepared documents. */
    Result ceiling(EmbeddedMongo mongo, int batchSize, int total) throws Exception {
        List<List<Document>> batches = new ArrayList<>();
        for (int from = 0; from < total; from += batchSize) {
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                batch.add(document());
            }
            batches.add(batch);
        }
        try (MongoClient client = TelemetryBackendAccess.mongoClient(mongo.connectionString(), Duration.ofSeconds(60))) {
            // the same database and collection the collector writes to
            MongoCollection<Document> collection = client.getDatabase("bench").getCollection("events");
            return runClients(batches.size(), i -> {
                collection.insertMany(batches.get(i), new InsertManyOptions().ordered(false));
                mongo.commit();
            }, batchSize);
        }
    }

    /** 8 clients posting prepared batches to the collector; every answer must be a 200 with all accepted. */
    Result overHttp(URI base, int batchSize, int total) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < total; from += batchSize) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                events.add(event());
            }
            bodies.add(json.writeValueAsBytes(Map.of("events", events)));
        }
        URI endpoint = base.resolve("/v1/events");
        return runClients(bodies.size(), i -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/json").header("X-App-Key", KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().startsWith("{\"accepted\":" + batchSize + ",")) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
            }
        }, batchSize);
    }

    static long spilled(TelemetryBackend backend) {
        return backend.metrics().counterSum(BackendMetrics.ACCEPTED, "held_in", "spill");
    }

    interface Call {
        void run(int index) throws Exception;
    }

    /** Runs {@code count} calls on 8 threads, each call timed, until done or the time limit. */
    static Result runClients(int count, Call call, int batchSize) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[count];
        Arrays.fill(latencies, -1);
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    call.run(i);
                    latencies[i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        long[] done = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        return new Result(done.length * batchSize, elapsed, done);
    }

    static Document document() {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        return new Document("_id", "bench:" + id).append("a", "bench").append("e", id).append("t", "screen_view")
                .append("ts", java.util.Date.from(now)).append("r", java.util.Date.from(now)).append("d", "dev-1")
                .append("s", "s-1").append("p", "android").append("v", "1.0.0")
                .append("pr", new Document("screen", "catalog").append("n", 3L));
    }

    static Map<String, Object> event() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("type", "screen_view");
        e.put("ts", Instant.now().toString());
        e.put("deviceId", "dev-1");
        e.put("sessionId", "s-1");
        e.put("platform", "android");
        e.put("appVersion", "1.0.0");
        e.put("props", Map.of("screen", "catalog", "n", 3));
        return e;
    }

    void fault(URI base, String mode) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/admin/v1/faults"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"store\":\"mongodb\",\"mode\":\"" + mode + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("fault control failed: " + response.body());
        }
    }

    record Result(int events, long nanos, long[] sortedLatencies) {
        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }

        double percentileMillis(int p) {
            if (sortedLatencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sortedLatencies.length) - 1;
            return sortedLatencies[Math.max(0, index)] / 1e6;
        }
    }
}
