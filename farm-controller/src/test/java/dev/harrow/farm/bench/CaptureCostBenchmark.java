package dev.harrow.farm.bench;

import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.CommandLog;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import dev.harrow.farm.replay.SessionBundle;
import dev.harrow.sampleapp.SampleAppServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openqa.selenium.By;

/**
 * What session capture costs a scenario: a shopping journey (launch, catalog, item, purchase, wait until stored) on
 * a real emulated phone, {@code bench.rounds} times; per round the scenario's wall time, the time the command log
 * spent copying requests and answers, and the time to write the bundle (commands, telemetry, pushes, log, screen).
 * Prints the capture's share of the wall time (target: under 10%).
 * {@code mvn -pl farm-controller -am verify -Pcapture-bench -DskipTests}.
 */
public final class CaptureCostBenchmark {
    private CaptureCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 20);
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        Path bundles = Files.createTempDirectory("capture-bench");
        List<Double> wall = new ArrayList<>();
        List<Double> recording = new ArrayList<>();
        List<Double> writing = new ArrayList<>();
        int commands = 0;
        try (AppiumServer appium = AppiumServer.start(dirs);
             TelemetryBackend backend = TelemetryBackend.startEmbedded("sample");
             SampleAppServer app = SampleAppServer.start()) {
            BackendConnection connection = backend.connectionFor("sample");
            BackendClient client = connection.client();
            WebEmulatedProvider provider = new WebEmulatedProvider(appium.url(), dirs);
            try (DeviceSession phone = provider.open(new DeviceSpec("bench-pixel", Platform.ANDROID,
                    DeviceKind.WEB_EMULATED, "Pixel 7", ZoneId.of("UTC"), "en-US", Set.of(), Map.of()))) {
                CommandLog log = phone.activity().commands();
                for (int round = 0; round <= rounds; round++) {
                    String deviceId = "bench-" + round;
                    log.drain();
                    long recordedBefore = log.recordingNanos();
                    long start = System.nanoTime();
                    Instant began = Instant.now();
                    phone.reset();
                    phone.app().launch(AppLaunch.of(app.appUri()).with("collector", connection.baseUri().toString())
                            .with("appKey", connection.appKey()).with("deviceId", deviceId));
                    for (String testId : List.of("open-catalog", "catalog-item-trail-lantern", "buy")) {
                        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                                .until(() -> {
                                    phone.driver().findElement(By.cssSelector("[data-testid='" + testId + "']"))
                                            .click();
                                    return true;
                                });
                    }
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> client.countEvents(EventQuery.forDevice(deviceId)) >= 6);
                    byte[] screen = phone.screenshot();
                    double roundMs = (System.nanoTime() - start) / 1e6;
                    double recordMs = (log.recordingNanos() - recordedBefore) / 1e6;
                    long writeStart = System.nanoTime();
                    List<CommandLog.Command> taken = log.drain();
                    Map<String, Object> meta = Map.of("device", deviceId,
                            "pushes", client.pushDeliveries(deviceId, began));
                    SessionBundle.write(bundles.resolve(deviceId), meta, taken,
                            client.events(EventQuery.forDevice(deviceId)), "", screen);
                    double writeMs = (System.nanoTime() - writeStart) / 1e6;
                    if (round == 0) {
                        continue; // warm-up: the first page load and JIT
                    }
                    wall.add(roundMs);
                    recording.add(recordMs);
                    writing.add(writeMs);
                    commands += taken.size();
                    System.out.printf(Locale.ROOT, "[capture-bench] round %d/%d: %.0f ms, %d commands, "
                            + "recording %.1f ms,"
                            + " bundle %.1f ms%n", round, rounds, roundMs, taken.size(), recordMs, writeMs);
                }
            }
        } finally {
            WorkDirs.deleteTree(bundles);
        }
        double wallP50 = p50(wall);
        double captureP50 = p50(sum(recording, writing));
        System.out.printf(Locale.ROOT, "%n[capture-bench] %d rounds of a shopping journey on Pixel 7 (web-emulated), "
                        + "%.0f commands per round%n", rounds, (double) commands / rounds);
        System.out.printf(Locale.ROOT, "[capture-bench] scenario wall time p50 %.0f ms; "
                + "command log recording p50 %.1f ms;"
                + " bundle write p50 %.1f ms%n", wallP50, p50(recording), p50(writing));
        System.out.printf(Locale.ROOT, "[capture-bench] capture cost p50 %.1f ms = %.1f%% of the scenario's wall time "
                + "(target < 10%%)%n", captureP50, 100 * captureP50 / wallP50);
    }

    private static List<Double> sum(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i) + b.get(i));
        }
        return out;
    }

    private static double p50(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
