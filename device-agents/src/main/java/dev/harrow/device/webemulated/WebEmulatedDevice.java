package dev.harrow.device.webemulated;

import dev.harrow.device.AppControl;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.DeviceKind;
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
import java.util.StringJoiner;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.Response;
import org.openqa.selenium.remote.http.HttpMethod;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A phone emulated in Chromium. The app is a web app; its launch parameters travel as query parameters. */
final class WebEmulatedDevice implements DeviceSession, AppControl {
    static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    private static final String EXECUTE_CDP = "executeCdp";

    private final DeviceSpec spec;
    private final AppiumDriver driver;
    private final Path profileDir;

    WebEmulatedDevice(DeviceSpec spec, AppiumDriver driver, Path profileDir) {
        this.spec = spec;
        this.driver = driver;
        this.profileDir = profileDir;
        // Chromium's DevTools protocol is reached through the driver's proxy to ChromeDriver.
        driver.addCommand(HttpMethod.POST, "/session/:sessionId/goog/cdp/execute", EXECUTE_CDP);
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
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void launch(AppLaunch launch) {
        driver.get(withQuery(launch.app(), launch.parameters()).toString());
        new WebDriverWait(driver, LAUNCH_TIMEOUT).until(d ->
                "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
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
