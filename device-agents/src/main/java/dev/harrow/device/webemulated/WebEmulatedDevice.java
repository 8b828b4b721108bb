package dev.harrow.device.webemulated;

import dev.harrow.device.AppControl;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.WorkDirs;
import io.appium.java_client.AppiumDriver;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.StringJoiner;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.Response;
import org.openqa.selenium.remote.http.HttpMethod;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A phone emulated in Chromium. The app is a web app; its launch parameters travel as query parameters. Network
 * control goes through DevTools. Restarting the app restarts the browser on the same profile, as a phone keeps an
 * app's storage when the app is killed.
 */
final class WebEmulatedDevice implements DeviceSession, AppControl, NetworkControl {
    static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    private static final String EXECUTE_CDP = "executeCdp";

    private final DeviceSpec spec;
    private final Supplier<AppiumDriver> newSession;
    private final Path profileDir;
    private volatile AppiumDriver driver;
    private volatile AppLaunch lastLaunch;
    private volatile Map<String, Object> networkConditions;

    WebEmulatedDevice(DeviceSpec spec, Supplier<AppiumDriver> newSession, Path profileDir) {
        this.spec = spec;
        this.newSession = newSession;
        this.profileDir = profileDir;
        this.driver = attach(newSession.get());
    }

    /** Chromium's DevTools protocol is reached through the driver's proxy to ChromeDriver. */
    private static AppiumDriver attach(AppiumDriver driver) {
        driver.addCommand(HttpMethod.POST, "/session/:sessionId/goog/cdp/execute", EXECUTE_CDP);
        return driver;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Platform platform() {
        return spec.platform();
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.WEB_EMULATED;
    }

    @Override
    public AppiumDriver driver() {
        return driver;
    }

    @Override
    public AppControl app() {
        return this;
    }

    @Override
    public Optional<NetworkControl> network() {
        return Optional.of(this);
    }

    @Override
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void launch(AppLaunch launch) {
        lastLaunch = launch;
        driver.get(withQuery(launch.app(), launch.parameters()).toString());
        new WebDriverWait(driver, LAUNCH_TIMEOUT).until(d ->
                "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    @Override
    public void restart() {
        AppLaunch launch = lastLaunch;
        if (launch == null) {
            throw new IllegalStateException("the app was never launched on " + spec.name());
        }
        try {
            driver.quit();
        } catch (WebDriverException ignored) {
            // already gone: a new one starts all the same
        }
        driver = attach(newSession.get());
        applyEmulation();
        if (networkConditions != null) {
            applyNetwork(networkConditions);
        }
        launch(launch);
    }

    @Override
    public void offline() {
        applyNetwork(conditions(true, 0, -1, -1));
    }

    @Override
    public void online() {
        applyNetwork(conditions(false, 0, -1, -1));
    }

    @Override
    public void throttle(int latencyMillis, int downloadKbps, int uploadKbps) {
        applyNetwork(conditions(false, latencyMillis, bytesPerSecond(downloadKbps), bytesPerSecond(uploadKbps)));
    }

    @Override
    public boolean isOffline() {
        Map<String, Object> now = networkConditions;
        return now != null && Boolean.TRUE.equals(now.get("offline"));
    }

    /** Network emulation needs the Network domain enabled first, or the page's requests ignore it. */
    private void applyNetwork(Map<String, Object> conditions) {
        cdp("Network.enable", Map.of());
        cdp("Network.emulateNetworkConditions", conditions);
        networkConditions = conditions;
    }

    private static Map<String, Object> conditions(boolean offline, int latency, long down, long up) {
        return Map.of("offline", offline, "latency", latency, "downloadThroughput", down, "uploadThroughput", up);
    }

    private static long bytesPerSecond(int kbps) {
        return kbps <= 0 ? -1 : kbps * 1000L / 8;
    }

    @Override
    public void clearData() {
        Object origin = ((JavascriptExecutor) driver).executeScript("return window.location.origin");
        if (origin instanceof String o && o.startsWith("http")) {
            cdp("Storage.clearDataForOrigin", Map.of("origin", o, "storageTypes", "all"));
        }
        driver.manage().deleteAllCookies();
    }

    @Override
    public boolean isResponsive() {
        try {
            driver.getCurrentUrl();
            return true;
        } catch (WebDriverException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (WebDriverException ignored) {
            // the session is already gone; the profile dir is still ours to remove
        }
        WorkDirs.deleteTree(profileDir);
    }

    /** The device's own time zone and locale, set through DevTools so that each device can differ. */
    void applyEmulation() {
        spec.timeZoneIfSet().ifPresent(zone -> cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", zone.getId())));
        spec.localeIfSet().ifPresent(locale -> cdp("Emulation.setLocaleOverride", Map.of("locale", locale)));
    }

    Object cdp(String command, Map<String, Object> params) {
        Response response = driver.execute(EXECUTE_CDP, Map.of("cmd", command, "params", params));
        return response.getValue();
    }

    static URI withQuery(URI app, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return app;
        }
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        String base = app.toString();
        int hash = base.indexOf('#');
        String fragment = hash < 0 ? "" : base.substring(hash);
        String head = hash < 0 ? base : base.substring(0, hash);
        return URI.create(head + (head.contains("?") ? "&" : "?") + query + fragment);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
