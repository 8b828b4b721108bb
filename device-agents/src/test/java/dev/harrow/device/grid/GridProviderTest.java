package dev.harrow.device.grid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.device.support.LocalGrid;
import dev.harrow.device.support.TestPageServer;
import java.net.URI;
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

/**
 * The distributed engine for real: a Selenium Grid 4 hub and a relay node in front of the local Appium server; grid
 * devices of the pool open their sessions through the hub, in parallel.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class GridProviderTest {
    static final String STEREOTYPE = "{\"platformName\": \"linux\", \"browserName\": \"chrome\", "
            + "\"appium:automationName\": \"Chromium\"}";
    static AppiumServer appium;
    static LocalGrid grid;
    static TestPageServer page;

    @BeforeAll
    static void start() throws Exception {
        WorkDirs dirs = WorkDirs.fromSystemProperties();
        appium = AppiumServer.start(dirs);
        grid = LocalGrid.start(dirs.dir("grid"), appium.url(), 2, STEREOTYPE);
        page = new TestPageServer();
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
        if (grid != null) {
            grid.close();
        }
        if (appium != null) {
            appium.close();
        }
    }

    static DeviceSpec gridDevice(String name, Platform platform, String profile, String zone) throws Exception {
        return new DeviceSpec(name, platform, DeviceKind.GRID, profile, ZoneId.of(zone), null, Set.of(), Map.of(),
                new KindOptions.Grid(URI.create(grid.url().toString()), Map.of()));
    }

    @Test
    void gridDevicesOpenSessionsThroughTheHubInParallel() throws Exception {
        GridProvider provider = new GridProvider();
        DeviceSpec pixel = gridDevice("grid-pixel", Platform.ANDROID, "Pixel 7", "Europe/Oslo");
        DeviceSpec iphone = gridDevice("grid-iphone", Platform.IOS, "iPhone SE", "Asia/Seoul");

        CompletableFuture<DeviceSession> a = CompletableFuture.supplyAsync(() -> open(provider, pixel));
        CompletableFuture<DeviceSession> b = CompletableFuture.supplyAsync(() -> open(provider, iphone));
        try (DeviceSession first = a.get(); DeviceSession second = b.get()) {
            for (DeviceSession device : List.of(first, second)) {
                device.app().launch(AppLaunch.of(page.url()));
            }

            assertThat(probe(first, "userAgent")).contains("Android");
            assertThat(probe(second, "userAgent")).contains("iPhone");
            assertThat(probe(first, "timeZone")).as("DevTools reach the browser through the grid")
                    .isEqualTo("Europe/Oslo");
            assertThat(probe(second, "timeZone")).isEqualTo("Asia/Seoul");
            assertThat(first.kind()).isEqualTo(DeviceKind.GRID);
            assertThat(first.screenshot()).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    private static DeviceSession open(GridProvider provider, DeviceSpec spec) {
        try {
            return provider.open(spec);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String probe(DeviceSession device, String field) {
        return String.valueOf(((JavascriptExecutor) device.driver()).executeScript("return window.probe." + field));
    }
}
