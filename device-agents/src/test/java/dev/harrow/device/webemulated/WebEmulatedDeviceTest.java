package dev.harrow.device.webemulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
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

    @Test
    void twoPhonesRunInParallelEachWithItsOwnProfileTimeZoneAndLocale() throws Exception {
        CompletableFuture<DeviceSession> pixelOpen = CompletableFuture.supplyAsync(() -> open(PIXEL));
        CompletableFuture<DeviceSession> iphoneOpen = CompletableFuture.supplyAsync(() -> open(IPHONE));
        try (DeviceSession pixel = pixelOpen.get(); DeviceSession iphone = iphoneOpen.get()) {
            Map<String, Object> p = launchAndProbe(pixel);
            Map<String, Object> i = launchAndProbe(iphone);

            assertThat((String) p.get("userAgent")).contains("Android").contains("Pixel 7");
            assertThat((String) i.get("userAgent")).contains("iPhone");
            assertThat(((Number) p.get("width")).intValue()).isEqualTo(412);
            assertThat(((Number) i.get("width")).intValue()).isEqualTo(430);
            assertThat(((Number) p.get("touch")).intValue()).isPositive();
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
