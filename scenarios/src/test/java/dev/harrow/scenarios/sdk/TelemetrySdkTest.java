package dev.harrow.scenarios.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Resilience;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.webemulated.WebEmulatedProvider;
import dev.harrow.sampleapp.SampleAppServer;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The telemetry SDK in a real (headless, emulated) phone browser against the real backend: what the app creates
 * offline, through reloads, restarts, 503 storms and bounds arrives exactly once, and what the SDK reports about
 * itself agrees with what the backend stored.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class TelemetrySdkTest {
    static final String KEY = "sdk-test-key-01";
    static final String ADMIN = "sdk-test-admin-token";
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static AppiumServer appium;
    static WebEmulatedProvider provider;
    static TelemetryBackend backend;
    static SampleAppServer app;

    DeviceSession device;
    String deviceId;

    @BeforeAll
    static void startServers() {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        appium = AppiumServer.start(dirs);
        provider = new WebEmulatedProvider(appium.url(), dirs);
        backend = TelemetryBackend.start(BackendConfig.embedded(List.of(new AppKey("sample", KEY)), ADMIN)
                .withFaultsEnabled(true)
                .withResilience(Resilience.defaults().withRetryAfter(RETRY_AFTER)
                        .withStoreTimeout(Duration.ofSeconds(1)).withBreakerOpenFor(Duration.ofMillis(200))));
        app = SampleAppServer.start();
    }

    @AfterAll
    static void stopServers() {
        app.close();
        backend.close();
        appium.close();
    }

    @BeforeEach
    void openDevice() throws Exception {
        deviceId = "sdk-" + UUID.randomUUID().toString().substring(0, 8);
        device = provider.open(new DeviceSpec("sdk-phone", Platform.ANDROID, DeviceKind.WEB_EMULATED, "Pixel 7",
                ZoneId.of("Europe/Berlin"), "en-US", Set.of(), Map.of()));
    }

    @AfterEach
    void closeDevice() throws Exception {
        device.close();
        fault("mongodb", "up");
        fault("redis", "up");
    }

    @Test
    void eventsMadeOfflineAreDeliveredExactlyOnceWhenTheDeviceComesBack() {
        launch(Map.of());
        awaitStored(2); // session_start, screen_view home
        NetworkControl network = device.network().get();

        network.offline();
        tap("open-catalog");
        tap("catalog-item-steel-flask");
        tap("buy");
        await().atMost(DELIVERY).until(() -> number("debug().queueLength") == 4
                && recentStatuses().contains(0L));
        assertThat(stored()).as("nothing reaches the backend while offline").hasSize(2);

        network.online();

        awaitStored(6);
        await().atMost(DELIVERY).until(() -> number("debug().queueLength") == 0);
        assertDeliveredExactlyOnce(6);
    }

    @Test
    void theQueueSurvivesAReloadAndAnAppRestartWhileOffline() {
        launch(Map.of());
        await().atMost(DELIVERY).until(() -> "true".equals(js("return document.body.dataset.offlineReady")));
        awaitStored(2);
        NetworkControl network = device.network().get();

        network.offline();
        trackCustom(3);
        asyncJs("HarrowTelemetry.ready().then(done)");
        device.driver().navigate().refresh();
        awaitScreen("home");
        trackCustom(2);
        asyncJs("HarrowTelemetry.ready().then(done)");
        device.app().restart();
        awaitScreen("home");
        assertThat(network.isOffline()).isTrue();
        // 5 custom events and one screen view per reload and restart, all still waiting
        await().atMost(DELIVERY).until(() -> number("debug().queueLength") == 7);
        assertThat(stored()).hasSize(2);

        network.online();

        awaitStored(9);
        assertDeliveredExactlyOnce(9);
        assertThat(stored()).filteredOn(e -> e.type().equals("custom")).hasSize(5);
    }

    @Test
    void retriesHonourRetryAfter() throws Exception {
        fault("mongodb", "down");
        fault("redis", "down");
        launch(Map.of());

        await().atMost(DELIVERY).until(() -> recentStatuses().stream().filter(s -> s == 503).count() >= 3);
        List<Map<String, Object>> attempts = attempts();
        for (int i = 1; i < attempts.size(); i++) {
            long gap = ((Number) attempts.get(i).get("at")).longValue()
                    - ((Number) attempts.get(i - 1).get("at")).longValue();
            assertThat(gap).as("gap before attempt %d", i).isGreaterThanOrEqualTo(RETRY_AFTER.toMillis() - 50);
        }

        fault("mongodb", "up");
        fault("redis", "up");
        awaitStored(2);
        assertDeliveredExactlyOnce(2);
    }

    @Test
    void aStormOf503sLosesAndDuplicatesNothing() throws Exception {
        launch(Map.of("batchSize", "5"));
        awaitStored(2);
        fault("mongodb", "down");
        fault("redis", "down");

        trackCustom(20);
        await().atMost(DELIVERY).until(() -> recentStatuses().stream().filter(s -> s == 503).count() >= 2);
        fault("redis", "up");
        fault("mongodb", "up");

        awaitStored(22);
        assertDeliveredExactlyOnce(22);
    }

    @Test
    void eventsTheCollectorRejectsAreDroppedAndCountedAndTheRestDelivered() {
        launch(Map.of());
        awaitStored(2);

        String bad = (String) js("return HarrowTelemetry.track('custom', {'$where': 'x'})");
        String good = (String) js("return HarrowTelemetry.track('custom', {ok: true})");

        await().atMost(DELIVERY).until(() -> number("debug().counters.rejected") == 1
                && number("debug().queueLength") == 0);
        assertThat(stored()).extracting(e -> e.eventId().toString()).contains(good).doesNotContain(bad);
        assertThat(number("debug().counters.sent")).isEqualTo(stored().size());
    }

    @Test
    void theQueueBoundDropsTheOldestEventsAndCountsThem() {
        launch(Map.of("maxQueue", "5"));
        awaitStored(2);
        NetworkControl network = device.network().get();

        network.offline();
        for (int n = 1; n <= 8; n++) {
            js("HarrowTelemetry.track('custom', {n: " + n + "})");
        }
        await().atMost(DELIVERY).until(() -> number("debug().counters.droppedOverflow") == 3);
        network.online();

        await().atMost(DELIVERY).until(() -> number("debug().queueLength") == 0);
        assertThat(stored()).filteredOn(e -> e.type().equals("custom")).extracting(e -> e.props().get("n"))
                .containsExactlyInAnyOrder(4L, 5L, 6L, 7L, 8L);
        assertThat(number("debug().counters.dropped")).isEqualTo(3);
    }

    @Test
    void aPushIsShownInTheAppAndItsReceiptsAreReportedOnce() {
        launch(Map.of("pushToken", "token-abc"));
        awaitStored(3); // session_start, push_token, screen_view
        BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
        // The backend takes receipts only for a push it sent to this device (docs/SECURITY.md): send a real one
        // through the sandbox gateway, then hand it to the app twice, as an OS may.
        await().atMost(DELIVERY).ignoreExceptions().until(() -> client.pushToken(deviceId),
                t -> "token-abc".equals(t.path("token").asText()) && t.path("active").asBoolean());
        String id = client.sendPush(Map.of("target", Map.of("deviceIds", List.of(deviceId)),
                "content", Map.of("title", "Back in stock", "body", "The lantern is back",
                        "data", Map.of("itemId", "trail-lantern")))).get("id").asText();
        await().atMost(DELIVERY).until(() -> client.sandboxPushes(0, deviceId).size() == 1);

        String push = "HarrowApp.receivePush({messageId: '" + id + "', title: 'Back in stock',"
                + " body: 'The lantern is back', data: {itemId: 'trail-lantern'}})";
        js(push);
        js(push);
        // the banner slides in: wait until it shows
        await().atMost(Duration.ofSeconds(5)).until(() -> device.driver()
                .findElement(By.cssSelector("[data-testid='push-title']")).getText().equals("Back in stock"));
        tap("push-banner");
        awaitScreen("item");

        await().atMost(DELIVERY).until(() -> stored().stream().anyMatch(e -> e.type().equals("push_opened")));
        assertThat(stored()).filteredOn(e -> e.type().startsWith("push_")).extracting(TelemetryEvent::type)
                .containsExactlyInAnyOrder("push_token", "push_delivered", "push_opened");
        assertThat(stored()).filteredOn(e -> e.type().equals("push_token")).singleElement()
                .satisfies(e -> assertThat(e.props()).containsEntry("token", "token-abc")
                        .containsEntry("provider", "fcm").containsEntry("timeZone", "Europe/Berlin"));
        assertThat(client.pushStatus(id).at("/counts/opened").asInt()).isEqualTo(1);
    }

    @Test
    void signingInPutsTheUserIdOnEveryLaterEvent() {
        launch(Map.of());
        tap("tab-settings");
        assertThat(device.driver().findElement(By.cssSelector("[data-testid='sign-out']")).isDisplayed()).isFalse();
        device.driver().findElement(By.cssSelector("[data-testid='user-id-input']")).sendKeys("user-42");
        tap("sign-in");
        tap("tab-catalog");

        await().atMost(DELIVERY).until(() -> stored().stream().anyMatch(e -> "catalog".equals(e.props().get("screen"))));
        assertThat(stored()).filteredOn(e -> e.type().equals("sign_in")).singleElement()
                .satisfies(e -> assertThat(e.userId()).isEqualTo("user-42"));
        assertThat(stored()).filteredOn(e -> "catalog".equals(e.props().get("screen"))).singleElement()
                .satisfies(e -> assertThat(e.userId()).isEqualTo("user-42"));
        assertThat(stored()).filteredOn(e -> "home".equals(e.props().get("screen"))).singleElement()
                .satisfies(e -> assertThat(e.userId()).isNull());
    }

    @Test
    void aSessionEndsAfterThirtyMinutesWithoutActivityAndTheNextOneStarts() {
        launch(Map.of());
        awaitStored(2);
        String first = (String) js("return HarrowTelemetry.debug().sessionId");
        // Thirty-one minutes of inactivity, as the app's clock will see them at the next start.
        js("var s = JSON.parse(localStorage.getItem('harrow.session'));"
                + "s.startedAt -= 40 * 60000; s.lastActivity -= 31 * 60000;"
                + "localStorage.setItem('harrow.session', JSON.stringify(s));");

        device.driver().navigate().refresh();
        awaitScreen("home");

        await().atMost(DELIVERY).until(() -> stored().stream().filter(e -> e.type().equals("session_start")).count()
                == 2);
        String second = (String) js("return HarrowTelemetry.debug().sessionId");
        assertThat(second).isNotEqualTo(first);
        assertThat(stored()).filteredOn(e -> e.type().equals("session_end")).singleElement().satisfies(e -> {
            assertThat(e.sessionId()).isEqualTo(first);
            assertThat(((Number) e.props().get("durationMs")).longValue()).isBetween(9 * 60000L, 10 * 60000L);
        });
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    void launch(Map<String, String> extra) {
        AppLaunch launch = AppLaunch.of(app.appUri()).with("collector", backend.baseUri().toString())
                .with("appKey", KEY).with("deviceId", deviceId).with("flushDelayMs", "200");
        for (Map.Entry<String, String> e : extra.entrySet()) {
            launch = launch.with(e.getKey(), e.getValue());
        }
        device.app().launch(launch);
        awaitScreen("home");
    }

    void tap(String testId) {
        device.driver().findElement(By.cssSelector("[data-testid='" + testId + "']")).click();
    }

    void awaitScreen(String name) {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> name.equals(
                device.driver().findElement(By.cssSelector("[data-testid='screen']")).getDomAttribute("data-screen")));
    }

    void trackCustom(int n) {
        for (int i = 0; i < n; i++) {
            js("HarrowTelemetry.track('custom', {i: " + i + "})");
        }
    }

    Object js(String script) {
        return ((JavascriptExecutor) device.driver()).executeScript(script);
    }

    Object asyncJs(String body) {
        return ((JavascriptExecutor) device.driver()).executeAsyncScript(
                "var done = arguments[arguments.length - 1]; " + body);
    }

    long number(String expression) {
        return ((Number) js("return HarrowTelemetry." + expression)).longValue();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> attempts() {
        return (List<Map<String, Object>>) js("return HarrowTelemetry.debug().recentAttempts");
    }

    List<Long> recentStatuses() {
        return attempts().stream().map(a -> ((Number) a.get("status")).longValue()).toList();
    }

    List<TelemetryEvent> stored() {
        try {
            return backend.store().find(EventQuery.forDevice(deviceId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void awaitStored(int n) {
        await().atMost(DELIVERY).until(() -> stored().size() >= n);
    }

    /** Stored once each, and exactly what the SDK says it created and delivered. */
    void assertDeliveredExactlyOnce(int expected) {
        await().atMost(DELIVERY).until(() -> number("debug().queueLength") == 0);
        List<TelemetryEvent> events = stored();
        Set<UUID> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.eventId()));
        assertThat(events).hasSize(expected);
        assertThat(ids).hasSize(expected);
        assertThat(number("debug().counters.created")).isEqualTo(expected);
        assertThat(number("debug().counters.sent") + number("debug().counters.duplicates"))
                .isGreaterThanOrEqualTo(expected);
        assertThat(number("debug().counters.sent")).isEqualTo(expected);
        assertThat(number("debug().counters.dropped")).isZero();
    }

    void fault(String store, String mode) {
        new BackendClient(backend.baseUri(), ADMIN).fault(store, mode);
    }
}
