package dev.harrow.farm.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import dev.harrow.sampleapp.SampleAppServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * A session captured on one emulated phone (real Appium and Chromium, a real backend) is replayed: its telemetry into
 * a fresh backend stores the same events; its command log, re-driven on another emulated phone, reaches the same
 * final screen.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class SessionReplayTest {
    static final String APP = "sample";
    static AppiumServer appium;
    static WebEmulatedProvider provider;
    static TelemetryBackend original;
    static SampleAppServer app;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        appium = AppiumServer.start(dirs);
        provider = new WebEmulatedProvider(appium.url(), dirs);
        original = TelemetryBackend.startEmbedded(APP);
        app = SampleAppServer.start();
    }

    @AfterAll
    static void stop() {
        app.close();
        original.close();
        appium.close();
    }

    @Test
    void aCapturedSessionReplaysItsTelemetryIntoAFreshBackendAndItsCommandsOnAnotherDevice() throws Exception {
        BackendConnection backend = original.connectionFor(APP);
        BackendClient client = backend.client();
        String captured = "capture-" + UUID.randomUUID().toString().substring(0, 8);
        String finalScreen;
        try (DeviceSession pixel = provider.open(spec(captured, Platform.ANDROID, "Pixel 7", "Europe/Berlin"))) {
            pixel.app().launch(AppLaunch.of(app.appUri()).with("collector", backend.baseUri().toString())
                    .with("appKey", backend.appKey()).with("deviceId", captured));
            for (String testId : List.of("open-catalog", "catalog-item-steel-flask", "buy")) {
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                    pixel.driver().findElement(By.cssSelector("[data-testid='" + testId + "']")).click();
                    return true;
                });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> client.events(EventQuery.forDevice(captured)).stream()
                    .anyMatch(e -> "purchased".equals(e.props().get("screen"))));
            finalScreen = screen(pixel);
            SessionBundle.write(dir, Map.of("device", captured), pixel.activity().commands().drain(),
                    client.events(EventQuery.forDevice(captured)), null, pixel.screenshot());
        }
        SessionBundle bundle = SessionBundle.read(dir);
        assertThat(finalScreen).isEqualTo("purchased");
        assertThat(bundle.commands()).extracting(c -> c.path()).contains("/url");
        assertThat(bundle.telemetry()).hasSizeGreaterThanOrEqualTo(6);

        try (TelemetryBackend fresh = TelemetryBackend.startEmbedded(APP)) {
            BackendConnection target = fresh.connectionFor(APP);
            TelemetryReplay.Outcome outcome = TelemetryReplay.send(bundle, target.client(), target.appKey(), 50,
                    progress -> { });
            assertThat(outcome.accepted()).isEqualTo(bundle.telemetry().size());
            assertThat(ids(target.client().events(EventQuery.forDevice(captured))))
                    .isEqualTo(ids(client.events(EventQuery.forDevice(captured))));
        }

        String replayed = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        try (DeviceSession iphone = provider.open(spec(replayed, Platform.IOS, "iPhone SE", "Australia/Sydney"))) {
            CommandReplay.Outcome outcome = CommandReplay.drive(bundle, iphone.driver(),
                    url -> url.replace("deviceId=" + captured, "deviceId=" + replayed), progress -> { });
            assertThat(screen(iphone)).as("the final screen on the other device").isEqualTo(finalScreen);
            assertThat(outcome.mismatches()).as("commands answered differently").isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.events(EventQuery.forDevice(replayed)).stream()
                    .anyMatch(e -> e.type().equals("purchase") && "steel-flask".equals(e.props().get("itemId"))));
        }
    }

    private static Set<UUID> ids(List<TelemetryEvent> events) {
        return events.stream().map(TelemetryEvent::eventId).collect(Collectors.toSet());
    }

    private static String screen(DeviceSession device) {
        return device.driver().findElement(By.cssSelector("[data-testid='screen']")).getDomAttribute("data-screen");
    }

    private static DeviceSpec spec(String name, Platform platform, String profile, String zone) {
        return new DeviceSpec(name, platform, DeviceKind.WEB_EMULATED, profile, ZoneId.of(zone), "en-US", Set.of(),
                Map.of());
    }
}
