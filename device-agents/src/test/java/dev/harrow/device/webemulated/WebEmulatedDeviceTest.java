package dev.harrow.device.webemulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.Platform;
import dev.harrow.device.PushNotification;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.network.Exchange;
import java.time.Duration;
import org.awaitility.Awaitility;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.support.TestPageServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.openqa.selenium.JavascriptExecutor;

@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class WebEmulatedDeviceTest {
    static final DeviceSpec PIXEL = new DeviceSpec("pixel-test", Platform.ANDROID, DeviceKind.WEB_EMULATED, "Pixel 7",
            ZoneId.of("Asia/Tokyo"), "ja-JP", Set.of(), Map.of());
    static final DeviceSpec IPHONE = new DeviceSpec("iphone-test", Platform.IOS, DeviceKind.WEB_EMULATED,
            "iPhone 14 Pro Max", ZoneId.of("America/New_York"), "en-US", Set.of(), Map.of());

    static AppiumServer appium;
    static WebEmulatedProvider provider;
    static TestPageServer page;

    @BeforeAll
    static void start() {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        appium = AppiumServer.start(dirs);
        provider = new WebEmulatedProvider(appium.url(), dirs);
        page = new TestPageServer();
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
        if (appium != null) {
            appium.close();
        }
    }

    static final DeviceSpec GALAXY = new DeviceSpec("galaxy-test", Platform.ANDROID, DeviceKind.WEB_EMULATED,
            "Samsung Galaxy S20 Ultra", ZoneId.of("Europe/Berlin"), "de-DE", Set.of(), Map.of());
    static final DeviceSpec IPHONE_SE = new DeviceSpec("iphone-se-test", Platform.IOS, DeviceKind.WEB_EMULATED,
            "iPhone SE", ZoneId.of("Australia/Sydney"), "en-AU", Set.of(), Map.of());

    @Test
    void fourPhonesRunInParallelEachWithItsOwnProfileTimeZoneAndLocale() throws Exception {
        List<CompletableFuture<DeviceSession>> opening = List.of(PIXEL, IPHONE, GALAXY, IPHONE_SE).stream()
                .map(spec -> CompletableFuture.supplyAsync(() -> open(spec))).toList();
        try (DeviceSession pixel = opening.get(0).get(); DeviceSession iphone = opening.get(1).get();
             DeviceSession galaxy = opening.get(2).get(); DeviceSession se = opening.get(3).get()) {
            Map<String, Object> p = launchAndProbe(pixel);
            Map<String, Object> i = launchAndProbe(iphone);
            Map<String, Object> g = launchAndProbe(galaxy);
            Map<String, Object> s = launchAndProbe(se);
            assertThat((String) g.get("userAgent")).contains("Android");
            assertThat((String) s.get("userAgent")).contains("iPhone");
            assertThat(g.get("timeZone")).isEqualTo("Europe/Berlin");
            assertThat(s.get("timeZone")).isEqualTo("Australia/Sydney");
            assertThat(s.get("language")).isEqualTo("en-AU");

            assertThat((String) p.get("userAgent")).contains("Android").contains("Pixel 7");
            assertThat((String) i.get("userAgent")).contains("iPhone");
            assertThat(((Number) p.get("width")).intValue()).isEqualTo(412);
            assertThat(((Number) i.get("width")).intValue()).isEqualTo(430);
            assertThat(List.of(p, i, g, s)).as("every profile has a touch screen, from the page's first script on")
                    .allSatisfy(probe -> assertThat(((Number) probe.get("touch")).intValue()).isPositive());
            assertThat(p.get("timeZone")).isEqualTo("Asia/Tokyo");
            assertThat(i.get("timeZone")).isEqualTo("America/New_York");
            assertThat(p.get("language")).isEqualTo("ja-JP");
            assertThat(p.get("query")).isEqualTo(Map.of("collector", "http://127.0.0.1:1/x y", "deviceId", "pixel-test"));
        }
    }

    @Test
    void clearDataWipesTheAppsStorageAndScreenshotsArePng() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()));
            pixel.app().launch(AppLaunch.of(page.url()));
            assertThat(probe(pixel).get("visits")).isEqualTo(2L);

            pixel.app().clearData();
            pixel.app().launch(AppLaunch.of(page.url()));

            assertThat(probe(pixel).get("visits")).isEqualTo(1L);
            byte[] png = pixel.screenshot();
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void theAppSeesTheNetworkGoOfflineAndComeBack() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()));
            NetworkControl network = pixel.network().get();

            network.offline();
            assertThat(js(pixel, "return navigator.onLine")).isEqualTo(false);
            assertThat(fetchFromPage(pixel)).isEqualTo("failed");
            network.online();

            assertThat(js(pixel, "return navigator.onLine")).isEqualTo(true);
            assertThat(fetchFromPage(pixel)).isEqualTo("ok");
            assertThat(js(pixel, "return window.netEvents")).isEqualTo(List.of("offline", "online"));
        }
    }

    @Test
    void anOfflineDeviceSendsNothingNotAKeepaliveFlushAcrossARestartNorAServiceWorkersRequest() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()).with("sw", "1"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(js(pixel,
                    "return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")));
            NetworkControl network = pixel.network().get();
            int before = page.received().size();

            network.offline();
            ((JavascriptExecutor) pixel.driver()).executeAsyncScript("var done = arguments[0];"
                    + "window.swPing().then(function () { setTimeout(done, 500); });");
            // the app goes to the background (a keepalive flush and a beacon), then restarts offline
            js(pixel, "window.open('about:blank'); return null;");
            pixel.app().restart();

            assertThat(page.received().subList(before, page.received().size()))
                    .as("nothing left the device while it was offline").isEmpty();
            // A service worker's request is outside the page's DevTools emulation: only the path held it back.
            assertThat(network.traffic()).as("the worker tried, and the path refused it at once")
                    .filteredOn(e -> e.outcome() == Exchange.Outcome.OFFLINE)
                    .extracting(e -> java.net.URI.create(e.url()).getPath()).contains("/sw-ping");

            network.online();
            pixel.app().launch(AppLaunch.of(page.url()).with("sw", "1"));
            ((JavascriptExecutor) pixel.driver()).executeAsyncScript("var done = arguments[0];"
                    + "window.swPing().then(function () { setTimeout(done, 500); });");
            js(pixel, "window.open('about:blank'); return null;");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> page.received().containsAll(
                    List.of("/sw-ping", "/collect")));
            assertThat(network.switches()).extracting(s -> s.profile().name()).containsSubsequence("offline",
                    "full");
        }
    }

    @Test
    void theBrowserConsoleIsCaptured() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()));
            js(pixel, "console.error('payment sheet failed: 402'); console.warn('slow frame'); return null;");

            List<DeviceLogEntry> lines = pixel.logs().get().drain();

            assertThat(lines).anySatisfy(l -> {
                assertThat(l.source()).isEqualTo("browser");
                assertThat(l.level()).isEqualTo("error");
                assertThat(l.message()).contains("payment sheet failed: 402");
            });
            assertThat(lines).anySatisfy(l -> assertThat(l.level()).isEqualTo("warn"));
            assertThat(pixel.logs().get().drain()).as("each line once").isEmpty();
            assertThat(pixel.logs().get().all()).hasSameSizeAs(lines);
        }
    }

    @Test
    void aResetClearsTheAppAndPutsTheDeviceBackWithoutANewSession() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()));
            pixel.network().get().offline();
            pixel.localization().get().setTimeZone(ZoneId.of("America/Chicago"));
            Object sessionBefore = pixel.driver().getSessionId();

            pixel.reset();
            pixel.app().launch(AppLaunch.of(page.url()));

            assertThat(pixel.driver().getSessionId()).isEqualTo(sessionBefore);
            assertThat(probe(pixel).get("visits")).as("storage cleared").isEqualTo(1L);
            assertThat(js(pixel, "return navigator.onLine")).isEqualTo(true);
            assertThat(probe(pixel).get("timeZone")).isEqualTo("Asia/Tokyo");
            assertThat(pixel.localization().get().timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        }
    }

    @Test
    void aRestartKeepsTheAppsDataAndTheDevicesSettings() {
        try (DeviceSession pixel = open(PIXEL)) {
            pixel.app().launch(AppLaunch.of(page.url()).with("deviceId", "kept"));
            pixel.localization().get().setTimeZone(ZoneId.of("Pacific/Auckland"));

            pixel.app().restart();

            assertThat(probe(pixel).get("visits")).isEqualTo(2L);
            assertThat(probe(pixel).get("timeZone")).isEqualTo("Pacific/Auckland");
            assertThat(probe(pixel).get("query")).isEqualTo(Map.of("deviceId", "kept"));
        }
    }

    @Test
    void pushesAreHandedToTheAppAsTheOsWould() {
        try (DeviceSession iphone = open(IPHONE)) {
            iphone.app().launch(AppLaunch.of(page.url()));

            iphone.pushInbox().get().deliver(new PushNotification("m-1", "Sale", "20% off", Map.of("itemId", "x"),
                    "apns"));

            assertThat(js(iphone, "return window.pushes")).isEqualTo(List.of(Map.of("messageId", "m-1", "title",
                    "Sale", "body", "20% off", "data", Map.of("itemId", "x"), "provider", "apns")));
        }
    }

    @Test
    void closingASessionRemovesItsProfileAndItsChromeDriver() throws Exception {
        DeviceSession pixel = open(PIXEL);
        List<ProcessHandle> before = ProcessHandle.of(appium.pid()).orElseThrow().descendants().toList();
        Path devicesDir = WorkDirs.fromSystemProperties().root().resolve("devices").resolve(PIXEL.name());
        assertThat(before).isNotEmpty();

        pixel.close();

        assertThat(before).allSatisfy(p -> assertThat(p.onExit().get()).isNotNull());
        try (var profiles = Files.list(devicesDir)) {
            assertThat(profiles).isEmpty();
        }
        assertThat(pixel.isResponsive()).isFalse();
    }

    private static Object js(DeviceSession device, String script) {
        return ((JavascriptExecutor) device.driver()).executeScript(script);
    }

    private static Object fetchFromPage(DeviceSession device) {
        return ((JavascriptExecutor) device.driver()).executeAsyncScript("var done = arguments[0];"
                + "fetch(location.href, {cache: 'no-store'}).then(function () { done('ok'); },"
                + " function () { done('failed'); });");
    }

    private static Map<String, Object> launchAndProbe(DeviceSession device) {
        device.app().launch(AppLaunch.of(page.url()).with("collector", "http://127.0.0.1:1/x y")
                .with("deviceId", device.name()));
        return probe(device);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probe(DeviceSession device) {
        return (Map<String, Object>) ((JavascriptExecutor) device.driver()).executeScript("return window.probe");
    }

    private static DeviceSession open(DeviceSpec spec) {
        try {
            return provider.open(spec);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
