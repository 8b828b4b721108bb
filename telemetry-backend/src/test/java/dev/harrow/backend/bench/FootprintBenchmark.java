package dev.harrow.backend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the backend costs in disk and memory at real sizes: a standalone backend started as the README starts it
 * (the jar on its defaults: embedded store and embedded Redis under a data dir), and the in-memory backend the farm
 * runs, each a process of its own, taking gzip batches of 500 events from 20,000 devices over 30 days from 4 clients
 * as fast as it answers. At 100,000 and at 1,000,000 events it records the data file against the documents' own
 * size ({@code GET /admin/v1/storage}) and the resident memory of the process, sampled every second throughout, so
 * that growth over the run shows.
 *
 * <p>Run: {@code mvn -pl telemetry-backend verify -Pfootprint -DskipTests} (about 20 minutes;
 * {@code -Dharrow.footprint.events=N} for a shorter run). Prints the figures and writes
 * {@code target/benchmarks/footprint.json}.
 */
public final class FootprintBenchmark {
    static final int CLIENTS = 4;
    static final int BATCH = 500;
    static final int DEVICES = 20_000;
    static final int DAYS = 30;
    static final long FIRST_CHECKPOINT = 100_000;
    static final String KEY = "footprint-key-01";
    static final String ADMIN = "footprint-admin-token-1";
    /** Targets of issue "the embedded store at real sizes". */
    static final double DISK_RATIO_TARGET = 3.0;
    static final double RSS_TARGET_MB = 1024;
    static final double RSS_GROWTH_TARGET_MB = 128;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One checkpoint of one run. */
    record Checkpoint(long events, double seconds, long rssKb, long fileBytes, long documentBytes) {
    }

    /** One run: checkpoints, and the resident memory sampled every second as (seconds, events, KB). */
    record Run(String store, List<Checkpoint> checkpoints, List<long[]> rss, double seconds, long events) {
    }

    public static void main(String[] args) throws Exception {
        long events = Long.getLong("harrow.footprint.events", 1_000_000);
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "footprint-");
        try {
            new FootprintBenchmark().run(work, events);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    void run(Path work, long events) throws Exception {
        System.out.printf("footprint: generating %,d events (%d devices over %d days, gzip batches of %d)%n",
                events, DEVICES, DAYS, BATCH);
        List<List<byte[]>> batches = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            RealisticTraffic traffic = RealisticTraffic.recent(c, DEVICES, DAYS);
            List<byte[]> mine = new ArrayList<>();
            for (long e = 0; e < events / CLIENTS; e += BATCH) {
                mine.add(traffic.gzipBatch(BATCH));
            }
            batches.add(mine);
        }

        // Started as the README starts it: the launcher, which sizes the heap for the machine.
        String jar = Path.of(System.getProperty("harrow.backend.jar", "target/harrow-backend.jar")).toAbsolutePath()
                .toString();
        String launcher = Path.of(System.getProperty("harrow.backend.launcher", "../bin/harrow-backend"))
                .toAbsolutePath().toString();
        Path data = work.resolve("data");
        Run embedded = measure("embedded", List.of(launcher), Map.of("HARROW_DATA_DIR", data.toString(),
                "HARROW_BACKEND_JAR", jar, "HARROW_JAVA_OPTS", System.getProperty("harrow.footprint.jvm", "")),
                batches, events, work);
        if (Boolean.getBoolean("harrow.footprint.embeddedOnly")) {
            return;
        }
        Run memory = measure("memory", List.of(java(), "-cp", System.getProperty("java.class.path"),
                InMemoryBackendMain.class.getName()), Map.of(), batches, events, work);

        BenchmarkReport report = new BenchmarkReport("footprint")
                .note("events", events).note("devices", DEVICES).note("days", DAYS).note("batch", BATCH)
                .note("clients", CLIENTS)
                .note("embedded", "bin/harrow-backend (the jar, heap sized by the launcher), default settings, "
                        + "data dir on local disk")
                .note("memory", "the in-memory store and Redis the farm runs, in a JVM of its own, default heap");
        Checkpoint first = embedded.checkpoints().get(0);
        Checkpoint last = embedded.checkpoints().get(embedded.checkpoints().size() - 1);
        report.measure("disk_bytes_per_event_at_100k_events", (double) first.fileBytes() / first.events(), "B")
                .measure("disk_bytes_per_event", (double) last.fileBytes() / last.events(), "B")
                .measure("document_bytes_per_event", (double) last.documentBytes() / last.events(), "B")
                .measure("disk_to_documents_ratio", (double) last.fileBytes() / last.documentBytes(), "x",
                        BenchmarkReport.Goal.AT_MOST, DISK_RATIO_TARGET)
                .measure("rss_mb_at_100k_events", first.rssKb() / 1024.0, "MiB")
                .measure("rss_mb_at_1m_events", last.rssKb() / 1024.0, "MiB", BenchmarkReport.Goal.AT_MOST,
                        RSS_TARGET_MB)
                .measure("rss_mb_peak", peakMb(embedded), "MiB", BenchmarkReport.Goal.AT_MOST, RSS_TARGET_MB)
                .measure("rss_growth_mb_over_last_10_minutes", growthMb(embedded), "MiB",
                        BenchmarkReport.Goal.AT_MOST, RSS_GROWTH_TARGET_MB)
                .measure("ingest_events_per_s", embedded.events() / embedded.seconds(), "events/s")
                .measure("run_seconds", embedded.seconds(), "s");
        Checkpoint memFirst = memory.checkpoints().get(0);
        Checkpoint memLast = memory.checkpoints().get(memory.checkpoints().size() - 1);
        report.measure("memory_store_rss_mb_at_100k_events", memFirst.rssKb() / 1024.0, "MiB")
                .measure("memory_store_rss_mb_at_1m_events", memLast.rssKb() / 1024.0, "MiB")
                .measure("memory_store_ingest_events_per_s", memory.events() / memory.seconds(), "events/s");
        report.write(BenchmarkReport.defaultDir());
    }

    Run measure(String store, List<String> command, Map<String, String> env, List<List<byte[]>> batches, long events,
                Path work) throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(store + ".log").toFile());
        builder.environment().remove("MONGODB_URI");
        builder.environment().remove("REDIS_URI");
        builder.environment().putAll(env);
        if (System.getProperty("harrow.cache.dir") != null) {
            builder.environment().put("HARROW_CACHE_DIR", System.getProperty("harrow.cache.dir"));
        }
        builder.environment().put("HARROW_HTTP_PORT", Integer.toString(port));
        builder.environment().put("HARROW_APP_KEYS", "shop=" + KEY);
        builder.environment().put("HARROW_ADMIN_TOKEN", ADMIN);
        Process process = builder.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            awaitReady(base, process);
            System.out.printf("%nfootprint [%s]: pid %d, sending %,d events%n", store, process.pid(), events);
            AtomicLong acknowledged = new AtomicLong();
            ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
            List<Checkpoint> checkpoints = new ArrayList<>();
            long started = System.nanoTime();
            AtomicInteger failures = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (List<byte[]> mine : batches) {
                Thread client = new Thread(() -> {
                    for (byte[] body : mine) {
                        send(base, body, failures);
                        acknowledged.addAndGet(BATCH);
                    }
                });
                client.start();
                clients.add(client);
            }
            long nextCheckpoint = FIRST_CHECKPOINT;
            long nextPrint = 0;
            while (clients.stream().anyMatch(Thread::isAlive)) {
                TimeUnit.SECONDS.sleep(1);
                double seconds = (System.nanoTime() - started) / 1e9;
                long rssKb = rssKb(process.pid());
                samples.add(new long[] {(long) seconds, acknowledged.get(), rssKb});
                if (acknowledged.get() >= nextCheckpoint && nextCheckpoint < events) {
                    checkpoints.add(checkpoint(base, acknowledged.get(), seconds, rssKb));
                    nextCheckpoint = events;
                }
                if (seconds >= nextPrint) {
                    System.out.printf("  %5.0f s  %,10d events  %6.0f MiB resident%n", seconds,
                            acknowledged.get(), rssKb / 1024.0);
                    nextPrint += 30;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            checkpoints.add(checkpoint(base, acknowledged.get(), seconds, rssKb(process.pid())));
            System.out.printf("  done: %,d events in %.0f s (%.0f events/s), %d refusals retried%n",
                    acknowledged.get(), seconds, acknowledged.get() / seconds, failures.get());
            checkpoints.forEach(c -> System.out.printf("  at %,d events: file %.1f MiB, documents %.1f MiB, "
                    + "%.0f MiB resident%n", c.events(), c.fileBytes() / 1048576.0, c.documentBytes() / 1048576.0,
                    c.rssKb() / 1024.0));
            return new Run(store, checkpoints, new ArrayList<>(samples), seconds, acknowledged.get());
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    Checkpoint checkpoint(URI base, long events, double seconds, long rssKb) throws Exception {
        JsonNode storage = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/admin/v1/storage"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).body());
        return new Checkpoint(events, seconds, rssKb, storage.path("fileBytes").asLong(),
                storage.path("documentBytes").asLong());
    }

    void send(URI base, byte[] body, AtomicInteger failures) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/events")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .header("X-App-Key", KEY).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int attempt = 1; attempt <= 100; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    int rejected = json.readTree(response.body()).path("rejected").size();
                    if (rejected > 0) {
                        throw new IllegalStateException(rejected + " events of a batch were rejected: "
                                + response.body().substring(0, Math.min(300, response.body().length())));
                    }
                    return;
                }
                failures.incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (IOException e) {
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("a batch was refused 100 times");
    }

    static double peakMb(Run run) {
        return run.rss().stream().mapToLong(s -> s[2]).max().orElse(0) / 1024.0;
    }

    /**
     * Growth under steady load, over a 10-minute soak: the median resident memory of the last minute against that of
     * the minute ten minutes before (or the second minute of a shorter run).
     */
    static double growthMb(Run run) {
        long end = run.rss().stream().mapToLong(s -> s[0]).max().orElse(0);
        long from = Math.max(60, end - 11 * 60);
        double before = median(run.rss().stream().filter(s -> s[0] >= from && s[0] < from + 60)
                .mapToLong(s -> s[2]));
        double last = median(run.rss().stream().filter(s -> s[0] > end - 60).mapToLong(s -> s[2]));
        return (last - before) / 1024.0;
    }

    static double median(java.util.stream.LongStream values) {
        long[] sorted = values.sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    void awaitReady(URI base, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the backend exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the backend did not get ready within 60 s");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
