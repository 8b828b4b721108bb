package dev.harrow.backend.bench;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.push.DeviceToken;
import dev.harrow.backend.push.FcmGateway;
import dev.harrow.backend.push.Outgoing;
import dev.harrow.backend.push.SendResult;
import dev.harrow.backend.push.PushContent;
import dev.harrow.backend.push.PushSchedule;
import dev.harrow.backend.push.PushService;
import dev.harrow.backend.push.TokenRegistry;
import dev.harrow.backend.push.PushTarget;
import dev.harrow.backend.push.Segment;
import dev.harrow.backend.push.sandbox.SandboxCertificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Push throughput on loopback, in one run: token registrations through {@code POST /v1/push/tokens}; APNs sends
 * through the whole pipeline (expansion, durable claims, Pushy, settling in the store) against a bare Pushy client
 * loop to the same MockApnsServer with the same concurrency, the ceiling; FCM sends through the pipeline to the
 * WireMock FCM stub. The store is the embedded MongoDB-compatible one, in memory. Every phase is bounded in count
 * and time.
 *
 * <p>Run: {@code mvn -pl telemetry-backend verify -Ppush-bench -DskipTests}.
 */
public final class PushBenchmark {
    static final String KEY = "bench-key-00001";
    static final String ADMIN = "bench-admin-token-01";
    static final int REGISTRATIONS = 60_000;
    static final int REGISTRATION_CLIENTS = 32;
    static final int IMPORTED = 100_000;
    static final int APNS_PUSHES = 30_000;
    static final int FCM_PUSHES = 5_000;
    static final int ROUNDS = 3;
    static final int WARM_UP_ROUNDS = 3;
    static final int CONCURRENCY = 1000;
    static final Duration LIMIT = Duration.ofSeconds(120);

    private PushBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BackendConfig config = BackendConfig.embedded(List.of(new AppKey("shop", KEY)), ADMIN)
                .withPush(PushSettings.sandboxed().withDispatch(new PushSettings.Dispatch(Duration.ofMillis(20),
                        5000, Duration.ofSeconds(60), 5, Duration.ofSeconds(1), Duration.ofSeconds(30),
                        Duration.ofSeconds(5)))
                        // every simulated device registers from loopback: one address, far above its default budget
                        .withGuard(new PushSettings.Guard(30, 1_000_000, Duration.ofMinutes(10))));
        try (TelemetryBackend backend = TelemetryBackend.start(config)) {
            PushService push = backend.push().orElseThrow();
            System.out.printf(Locale.ROOT, "Push benchmark: loopback, embedded store in memory, APNs concurrency %d%n",
                    CONCURRENCY);
            BenchmarkReport report = new BenchmarkReport("push")
                    .note("registrations", REGISTRATIONS).note("registration_clients", REGISTRATION_CLIENTS)
                    .note("apns_pushes_per_round", APNS_PUSHES).note("fcm_pushes_per_round", FCM_PUSHES)
                    .note("rounds", ROUNDS).note("apns_concurrency", CONCURRENCY);
            registrations(backend, report);
            seed(push, "ios", APNS_PUSHES);
            seed(push, "android", FCM_PUSHES);
            PushService.Sandbox sandbox = push.sandbox().orElseThrow();
            // Warm-up of every path (class loading, JIT, connections), not measured: the compilers are still at
            // work through the first rounds, and a ceiling measured then would flatter the pipeline.
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                bareApns(sandbox, APNS_PUSHES, false);
                pipeline(backend, push, "ios", true);
                bareFcm(sandbox, 1000, false);
                pipeline(backend, push, "android", true);
            }
            // Ceiling and pipeline alternate, so that both see the same machine; the medians are compared.
            List<Double> bare = new ArrayList<>();
            List<Double> apns = new ArrayList<>();
            List<Double> fcmBare = new ArrayList<>();
            List<Double> fcm = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                System.out.printf(Locale.ROOT, "round %d of %d%n", round, ROUNDS);
                bare.add(bareApns(sandbox, APNS_PUSHES, true));
                apns.add(pipeline(backend, push, "ios", false));
                fcmBare.add(bareFcm(sandbox, FCM_PUSHES, true));
                fcm.add(pipeline(backend, push, "android", false));
            }
            double b = median(bare);
            double a = median(apns);
            System.out.printf(Locale.ROOT, "%nmedians of %d rounds:%nAPNs through the pipeline: %,.0f pushes/s = "
                    + "%.0f%% "
                    + "of the bare Pushy loop (%,.0f/s; target >= 80%%)%nFCM through the pipeline: %,.0f pushes/s "
                    + "(the FCM gateway alone, without the store: %,.0f/s)%n", ROUNDS, a, 100 * a / b, b,
                    median(fcm), median(fcmBare));
            report.measure("apns_pipeline_pushes_per_s", a, "pushes/s")
                    .measure("apns_bare_pushy_pushes_per_s", b, "pushes/s")
                    .measure("apns_pipeline_share_of_bare", 100 * a / b, "%", BenchmarkReport.Goal.AT_LEAST, 80)
                    .measure("fcm_pipeline_pushes_per_s", median(fcm), "pushes/s")
                    .measure("fcm_gateway_alone_pushes_per_s", median(fcmBare), "pushes/s")
                    .write(BenchmarkReport.defaultDir());
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    static void registrations(TelemetryBackend backend, BenchmarkReport report) throws Exception {
        BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
        ExecutorService pool = Executors.newFixedThreadPool(REGISTRATION_CLIENTS);
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        // Warm-up: 2,000 registrations, not counted.
        runRegistrations(pool, client, next, 2000, deadline);
        int from = next.get();
        long start = System.nanoTime();
        runRegistrations(pool, client, next, from + REGISTRATIONS, deadline);
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = next.get() - from;
        System.out.printf(Locale.ROOT, "token registrations: %,d over HTTP from %d clients in %.2f s = %,.0f/s "
                + "(target >= 10,000/s)%n", done, REGISTRATION_CLIENTS, seconds, done / seconds);
        report.measure("registrations_over_http_per_s", done / seconds, "registrations/s",
                BenchmarkReport.Goal.AT_LEAST, 10_000);
        pool.shutdown();
        // The bulk import (an admin moving a fleet's tokens over): requests of 1,000 from 4 clients.
        ExecutorService importers = Executors.newFixedThreadPool(4);
        AtomicInteger nextRequest = new AtomicInteger();
        int requests = IMPORTED / 1000;
        long importStart = System.nanoTime();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        AtomicInteger imported = new AtomicInteger();
        for (int c = 0; c < 4; c++) {
            workers.add(CompletableFuture.runAsync(() -> {
                int r;
                while ((r = nextRequest.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                    List<Map<String, Object>> rows = new ArrayList<>(1000);
                    for (int i = r * 1000; i < (r + 1) * 1000; i++) {
                        rows.add(Map.of("deviceId", "imp-" + i, "token", "fcm-imp-" + i, "platform", "android",
                                "timeZone", "Asia/Tokyo", "appVersion", "2.4.0"));
                    }
                    imported.addAndGet(client.importPushTokens("shop", rows).get("registered").asInt());
                }
            }, importers));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
        double importSeconds = (System.nanoTime() - importStart) / 1e9;
        System.out.printf(Locale.ROOT, "token registrations by bulk import: %,d over HTTP in requests of 1,000 in "
                + "%.2f s = %,.0f/s (target >= 10,000/s)%n", imported.get(), importSeconds,
                imported.get() / importSeconds);
        report.measure("registrations_by_bulk_import_per_s", imported.get() / importSeconds, "registrations/s",
                BenchmarkReport.Goal.AT_LEAST, 10_000);
        importers.shutdown();
    }

    private static void runRegistrations(ExecutorService pool, BackendClient client, AtomicInteger next, int upTo,
                                         long deadline) throws Exception {
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int c = 0; c < REGISTRATION_CLIENTS; c++) {
            workers.add(CompletableFuture.runAsync(() -> {
                int i;
                while ((i = next.getAndIncrement()) < upTo && System.nanoTime() < deadline) {
                    client.registerPushToken(KEY, Map.of("deviceId", "reg-" + i, "token", "fcm-reg-" + i,
                            "platform", "android", "timeZone", "Europe/Berlin", "appVersion", "2.4.0"));
                }
            }, pool));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
        next.set(Math.min(next.get(), upTo));
    }

    static void seed(PushService push, String platform, int devices) {
        List<CompletableFuture<TokenRegistry.Registered>> done = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < devices; i++) {
            String token = platform.equals("ios") ? String.format("%064x", i + 1) : "fcm-bench-" + i;
            done.add(push.tokens().register(DeviceToken.registered("shop", platform + "-" + i, token, platform,
                    "en-US", "UTC", "2.4.0", Set.of(platform.equals("ios") ? "bench-ios" : "bench-android"), now),
                    TokenRegistry.Proof.ADMIN));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        double seconds = Duration.between(now, Instant.now()).toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "token registrations into the registry directly (%s, no HTTP): %,d in %.2f s "
                + "= %,.0f/s%n", platform, devices, seconds, devices / seconds);
    }

    /** Sends one message to every benchmark device of a platform and times it until every copy is accepted. */
    static double pipeline(TelemetryBackend backend, PushService push, String platform, boolean warmUp) {
        BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
        Segment segment = new Segment(Set.of(platform), null, null,
                Set.of(platform.equals("ios") ? "bench-ios" : "bench-android"), null, null);
        int devices = platform.equals("ios") ? APNS_PUSHES : FCM_PUSHES;
        var inbox = push.sandbox().orElseThrow().inbox();
        long before = inbox.received();
        long start = System.nanoTime();
        String id = push.create("shop", null, PushTarget.of(segment), PushContent.alert("Sale", "20% off"),
                PushSchedule.now()).getKey().id();
        double expansion = (System.nanoTime() - start) / 1e9;
        long deadline = start + LIMIT.toNanos();
        long lastShown = start;
        // The sandbox's inbox says cheaply when every copy arrived; the status is asked only then (a status reads
        // every batch of the message, and asking it all along would slow what is measured).
        while (inbox.received() - before < devices && System.nanoTime() < deadline) {
            if (!warmUp && System.nanoTime() - lastShown > TimeUnit.SECONDS.toNanos(2)) {
                System.out.printf(Locale.ROOT, "  %s: %,d of %,d at the gateway%n", platform, inbox.received() - before,
                        devices);
                lastShown = System.nanoTime();
            }
            sleepQuietly(5);
        }
        long accepted = 0;
        while (System.nanoTime() < deadline) {
            var counts = client.pushStatus(id).get("counts");
            accepted = counts.get("accepted").asLong();
            if (counts.get("pending").asLong() == 0) {
                break;
            }
            sleepQuietly(10);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!warmUp) {
            System.out.printf(Locale.ROOT, "%s pipeline: %,d pushes accepted in %.2f s = %,.0f/s (of which expansion "
                    + "into batches %.2f s; dispatch alone %,.0f/s, claims and results in the store included)%n",
                    platform.equals("ios") ? "APNs" : "FCM", accepted, seconds, accepted / seconds, expansion,
                    accepted / (seconds - expansion));
        }
        return accepted / seconds;
    }

    /** The ceiling: a bare Pushy client sending to the same sandbox, {@value #CONCURRENCY} in flight. */
    static double bareApns(PushService.Sandbox sandbox, int pushes, boolean show) throws Exception {
        ApnsClient client = new ApnsClientBuilder().setApnsServer("127.0.0.1", sandbox.apnsPort())
                .setTrustedServerCertificateChain(sandbox.apnsCertificate())
                .setSigningKey(new ApnsSigningKey("HARROWBNCH", "HARROWTEAM",
                        (ECPrivateKey) SandboxCertificate.ecKeyPair().getPrivate()))
                .build();
        try {
            String payload = new SimpleApnsPayloadBuilder().setAlertTitle("Sale").setAlertBody("20% off")
                    .addCustomProperty("messageId", "bare").build();
            Semaphore inFlight = new Semaphore(CONCURRENCY);
            AtomicInteger accepted = new AtomicInteger();
            long start = System.nanoTime();
            for (int i = 0; i < pushes; i++) {
                inFlight.acquire();
                client.sendNotification(new SimpleApnsPushNotification(String.format("%064x", i + 1),
                        PushService.SANDBOX_TOPIC, payload)).whenComplete((r, e) -> {
                            if (e == null && r.isAccepted()) {
                                accepted.incrementAndGet();
                            }
                            inFlight.release();
                        });
            }
            inFlight.acquire(CONCURRENCY);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (show) {
                System.out.printf(Locale.ROOT, "APNs bare Pushy loop: %,d pushes accepted in %.2f s = %,.0f/s%n",
                        accepted.get(), seconds, accepted.get() / seconds);
            }
            return accepted.get() / seconds;
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    /** The FCM ceiling: the pipeline's own FCM gateway fed directly, one batch of 500 after another. */
    static double bareFcm(PushService.Sandbox sandbox, int pushes, boolean show) throws Exception {
        try (FcmGateway gateway = FcmGateway.sandbox(PushService.SANDBOX_PROJECT, sandbox.fcmEndpoint(), 64,
                Clock.systemUTC())) {
            PushContent content = PushContent.alert("Sale", "20% off");
            Instant expires = Instant.now().plus(Duration.ofHours(1));
            long accepted = 0;
            long start = System.nanoTime();
            for (int from = 0; from < pushes; from += 500) {
                List<Outgoing> batch = new ArrayList<>();
                for (int i = from; i < Math.min(pushes, from + 500); i++) {
                    batch.add(new Outgoing("bare/" + i, "bare", "shop", "android-" + i, "fcm-bench-" + i, content,
                            expires));
                }
                accepted += gateway.send(batch).get(60, TimeUnit.SECONDS).stream()
                        .filter(r -> r.outcome() == SendResult.Outcome.ACCEPTED).count();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (show) {
                System.out.printf(Locale.ROOT, "FCM gateway alone: %,d pushes accepted in %.2f s = %,.0f/s%n",
                        accepted, seconds, accepted / seconds);
            }
            return accepted / seconds;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
