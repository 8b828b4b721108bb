package dev.harrow.device.webemulated;

import dev.harrow.device.AppControl;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.Capability;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.device.Localization;
import dev.harrow.device.PushInbox;
import dev.harrow.device.PushNotification;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.network.DevicePath;
import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.NetworkProfile;
import dev.harrow.device.network.NetworkSwitch;
import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.WorkDirs;
import io.appium.java_client.AppiumDriver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.remote.Response;
import org.openqa.selenium.remote.http.HttpMethod;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A phone emulated in Chromium. The app is a web app; its launch parameters travel as query parameters. Its network is
 * the farm's path for this device ({@link DevicePath}): the browser sends every request through it, so offline holds
 * whatever the page does (a {@code keepalive} flush while hidden, a service worker, a restart of the browser);
 * DevTools' network emulation is set beside it so that the page also sees {@code navigator.onLine} change. Restarting
 * the app restarts the browser on the same profile and the same path, as a phone keeps an app's storage and its
 * network when the app is killed.
 */
final class WebEmulatedDevice implements DeviceSession, AppControl, NetworkControl, Localization, DeviceLogs,
        PushInbox {
    static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    private static final String EXECUTE_CDP = "executeCdp";

    private final DeviceSpec spec;
    private final Supplier<AppiumDriver> newSession;
    private final DeviceActivity activity;
    private final Path profileDir;
    private final DevicePath path;
    private volatile NetworkProfile network;
    private final List<NetworkSwitch> switchesWithoutPath = new CopyOnWriteArrayList<>();
    private volatile AppiumDriver driver;
    private volatile AppLaunch lastLaunch;
    private volatile Map<String, Object> networkConditions;
    private volatile ZoneId timeZone;
    private volatile String locale;
    private final List<DeviceLogEntry> log = new CopyOnWriteArrayList<>();

    WebEmulatedDevice(DeviceSpec spec, DeviceActivity activity, Supplier<AppiumDriver> newSession, Path profileDir,
                      DevicePath path) {
        this.spec = spec;
        this.path = path;
        this.network = spec.network();
        switchesWithoutPath.add(new NetworkSwitch(Instant.now(), network));
        this.activity = activity;
        this.newSession = newSession;
        this.profileDir = profileDir;
        this.timeZone = spec.timeZoneIfSet().orElse(null);
        this.locale = spec.localeIfSet().orElse(null);
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
        return spec.kind();
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
    public DeviceActivity activity() {
        return activity;
    }

    @Override
    public Capability<NetworkControl> network() {
        return Capability.of(this);
    }

    @Override
    public Capability<Localization> localization() {
        return Capability.of(this);
    }

    @Override
    public Capability<DeviceLogs> logs() {
        return Capability.of(this);
    }

    @Override
    public Capability<PushInbox> pushInbox() {
        return Capability.of(this);
    }

    @Override
    public ZoneId timeZone() {
        return timeZone == null ? ZoneId.systemDefault() : timeZone;
    }

    @Override
    public String locale() {
        return locale == null ? "en-US" : locale;
    }

    @Override
    public void setTimeZone(ZoneId zone) {
        cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", zone.getId()));
        timeZone = zone;
    }

    @Override
    public void setLocale(String languageTag) {
        cdp("Emulation.setLocaleOverride", Map.of("locale", languageTag));
        locale = languageTag;
    }

    /** The browser console since the last call; ChromeDriver hands out each line once. */
    @Override
    public List<DeviceLogEntry> drain() {
        List<DeviceLogEntry> fresh = new ArrayList<>();
        try {
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                fresh.add(new DeviceLogEntry(Instant.ofEpochMilli(entry.getTimestamp()), "browser",
                        level(entry.getLevel()), entry.getMessage()));
            }
        } catch (WebDriverException e) {
            // a dead session has no more log to give
        }
        log.addAll(fresh);
        return fresh;
    }

    @Override
    public List<DeviceLogEntry> all() {
        drain();
        return List.copyOf(log);
    }

    /** Hands the push to the app the way the OS would wake it: through the app's push entry point. */
    @Override
    public void deliver(PushNotification push) {
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("messageId", push.messageId());
        notification.put("title", push.title());
        notification.put("body", push.body());
        notification.put("data", push.data());
        notification.put("provider", push.provider());
        ((JavascriptExecutor) driver).executeScript(
                "if (!window.HarrowApp || !window.HarrowApp.receivePush) {"
                        + " throw new Error('the app does not take pushes (no HarrowApp.receivePush)'); }"
                        + "window.HarrowApp.receivePush(arguments[0]);", notification);
    }

    private static String level(java.util.logging.Level level) {
        int value = level.intValue();
        if (value >= java.util.logging.Level.SEVERE.intValue()) {
            return "error";
        }
        if (value >= java.util.logging.Level.WARNING.intValue()) {
            return "warn";
        }
        return value >= java.util.logging.Level.INFO.intValue() ? "info" : "debug";
    }

    @Override
    public Optional<URI> webApp() {
        return spec.webApp();
    }

    @Override
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void launch(AppLaunch launch) {
        lastLaunch = launch;
        if (path != null) {
            // the app and what it reports to are hosts of this run, wherever they are
            path.allow(launch.asUri().getHost());
            launch.hostsUsed().forEach(path::allow);
        }
        try {
            driver.get(launch.asUri().toString());
        } catch (WebDriverException e) {
            if (!network.offline() || e.getMessage() == null || !e.getMessage().contains("net::ERR_")) {
                throw e;
            }
            // Offline, an app that cannot start without the network shows the browser's offline page, as a phone
            // shows an app that fails to load: that is the device's state, not a failure of the launch.
            log.add(new DeviceLogEntry(Instant.now(), "device", "warn", "the app did not load while offline: "
                    + e.getMessage().lines().findFirst().orElse("")));
        }
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
        profile(NetworkProfile.OFFLINE);
    }

    @Override
    public void online() {
        profile(spec.network());
    }

    @Override
    public void throttle(int latencyMillis, int downloadKbps, int uploadKbps) {
        profile(new NetworkProfile("custom", false, new NetworkProfile.Direction(uploadKbps, latencyMillis / 2, 0, 0),
                new NetworkProfile.Direction(downloadKbps, latencyMillis / 2, 0, 0)));
    }

    @Override
    public boolean isOffline() {
        return network.offline();
    }

    @Override
    public void profile(NetworkProfile next) {
        if (path != null) {
            path.use(next);
        } else {
            switchesWithoutPath.add(new NetworkSwitch(Instant.now(), next));
        }
        network = next;
        applyNetwork(emulation(next));
    }

    @Override
    public NetworkProfile current() {
        return network;
    }

    @Override
    public List<NetworkSwitch> switches() {
        return path != null ? path.switches() : List.copyOf(switchesWithoutPath);
    }

    @Override
    public List<Exchange> traffic() {
        return path != null ? path.exchanges() : List.of();
    }

    /** The device's network path, when it has one (the farm records its HAR per try). */
    java.util.Optional<DevicePath> path() {
        return java.util.Optional.ofNullable(path);
    }

    /**
     * DevTools' view of a profile: offline as the page should see it ({@code navigator.onLine}); the figures only when
     * there is no path to apply them (a grid node's browser), since the path does that for every request.
     */
    private Map<String, Object> emulation(NetworkProfile profile) {
        if (path != null || profile.offline()) {
            return conditions(profile.offline(), 0, -1, -1);
        }
        return conditions(false, profile.up().latencyMillis() + profile.down().latencyMillis(),
                bytesPerSecond(profile.down().kbps()), bytesPerSecond(profile.up().kbps()));
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

    /**
     * Clears everything the app stored: its origin's storage of every kind (IndexedDB, local storage, caches,
     * service workers, cookies), in one DevTools call.
     */
    @Override
    public void clearData() {
        String origin = appOrigin();
        if (origin != null) {
            cdp("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
        }
    }

    /**
     * Leaves the app's page and clears its origin; the network and locale are put back only if a scenario changed
     * them.
     */
    @Override
    public void reset() {
        // Leave the app's page first, so that none of its code runs again (a late timer or answer would write back
        // what is cleared). Freezing the page instead is cheaper, but the freeze stays on the tab: the next
        // scenario's app then answers no click.
        driver.get("about:blank");
        clearData();
        lastLaunch = null;
        if (!network.equals(spec.network())) {
            profile(spec.network());
        }
        if (networkConditions != null && !spec.network().offline()) {
            applyNetwork(conditions(false, 0, -1, -1));
            networkConditions = null;
        }
        ZoneId specZone = spec.timeZoneIfSet().orElse(null);
        if (!java.util.Objects.equals(timeZone, specZone)) {
            // an empty zone lifts the override
            cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", specZone == null ? "" : specZone.getId()));
            timeZone = specZone;
        }
        String specLocale = spec.localeIfSet().orElse(null);
        if (!java.util.Objects.equals(locale, specLocale)) {
            cdp("Emulation.setLocaleOverride", specLocale == null ? Map.of() : Map.of("locale", specLocale));
            locale = specLocale;
        }
    }

    /** The origin of the app last launched, else of the page shown; null when neither is a web origin. */
    private String appOrigin() {
        AppLaunch launch = lastLaunch;
        if (launch != null && launch.webOrigin() != null) {
            return launch.webOrigin();
        }
        Object origin = ((JavascriptExecutor) driver).executeScript("return window.location.origin");
        return origin instanceof String o && o.startsWith("http") ? o : null;
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
        if (profileDir != null) {
            WorkDirs.deleteTree(profileDir);
        }
        if (path != null) {
            path.close();
        }
    }

    /** The device's own time zone and locale, set through DevTools so that each device can differ. */
    void applyEmulation() {
        // The app must not come straight from Chromium's new-tab page (a WebUI page in a process of its own): the
        // document committed on the way out of it can miss the profile's touch screen (maxTouchPoints 0). Sessions
        // start on about:blank (WebEmulatedProvider.startsBlank); one that did not (a grid node's) is moved there.
        if (!"about:blank".equals(driver.getCurrentUrl())) {
            driver.get("about:blank");
        }
        if (timeZone != null) {
            setTimeZone(timeZone);
        }
        if (locale != null) {
            setLocale(locale);
        }
    }

    Object cdp(String command, Map<String, Object> params) {
        Response response = driver.execute(EXECUTE_CDP, Map.of("cmd", command, "params", params));
        return response.getValue();
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
