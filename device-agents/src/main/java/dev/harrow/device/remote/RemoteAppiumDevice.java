package dev.harrow.device.remote;

import dev.harrow.device.AppControl;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.Capability;
import dev.harrow.device.DeviceCapability;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.device.Localization;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.NetworkProfile;
import dev.harrow.device.network.NetworkSwitch;
import dev.harrow.device.Platform;
import dev.harrow.device.PushInbox;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.device.provider.DeviceSession;
import io.appium.java_client.AppiumDriver;
import io.appium.java_client.InteractsWithApps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.DriverCommand;

/**
 * A device behind a remote Appium server: a real phone, a simulator, an emulator. It runs the web app in its
 * browser or an installed app. What such a device cannot do honestly, it declines: iOS network switching (needs a
 * proxy), changing the time zone (device settings), taking pushes from a sandbox (the real gateways deliver).
 */
final class RemoteAppiumDevice implements DeviceSession, AppControl, DeviceLogs {
    static final String CHROME = "com.android.chrome";
    static final String SAFARI = "com.apple.mobilesafari";

    private final DeviceSpec spec;
    private final AppiumDriver driver;
    private final DeviceActivity activity;
    private final KindOptions.AppTarget app;
    private final Runnable onClose;
    private final List<DeviceLogEntry> log = new CopyOnWriteArrayList<>();
    private final AndroidNetwork androidNetwork;
    private volatile AppLaunch lastLaunch;

    RemoteAppiumDevice(DeviceSpec spec, AppiumDriver driver, DeviceActivity activity, KindOptions.AppTarget app,
                       Runnable onClose) {
        this.spec = spec;
        this.driver = driver;
        this.activity = activity;
        this.app = app;
        this.onClose = onClose;
        this.androidNetwork = spec.platform() == Platform.ANDROID ? new AndroidNetwork() : null;
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
        return DeviceCapability.NETWORK_CONTROL.offer(spec, androidNetwork);
    }

    @Override
    public Capability<Localization> localization() {
        return DeviceCapability.LOCALIZATION.offer(spec, null);
    }

    @Override
    public Capability<DeviceLogs> logs() {
        return DeviceCapability.DEVICE_LOGS.offer(spec, this);
    }

    @Override
    public Capability<PushInbox> pushInbox() {
        return DeviceCapability.PUSH_INBOX.offer(spec, null);
    }

    @Override
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void launch(AppLaunch launch) {
        lastLaunch = launch;
        if (app.isBrowser()) {
            driver.get(launch.asUri().toString());
        } else {
            // An installed app takes its launch parameters through a deep link to the URI the scenario gives.
            driver.executeScript("mobile: deepLink", Map.of("url", launch.asUri().toString(),
                    spec.platform() == Platform.ANDROID ? "package" : "bundleId", appId()));
        }
    }

    @Override
    public void clearData() {
        if (!app.isBrowser()) {
            if (spec.platform() != Platform.ANDROID) {
                throw new UnsupportedOperationException("an iOS app's data is cleared by reinstalling it");
            }
            driver.executeScript("mobile: clearApp", Map.of("appId", appId()));
            return;
        }
        AppLaunch launch = lastLaunch;
        if (launch != null && launch.webOrigin() != null) {
            // Storage belongs to the origin: go there, then wipe what a page can wipe.
            driver.get(launch.webOrigin() + "/");
            ((JavascriptExecutor) driver).executeScript("try { localStorage.clear(); sessionStorage.clear(); }"
                    + " catch (e) {}"
                    + " if (window.indexedDB && indexedDB.databases) { indexedDB.databases().then(function (dbs) {"
                    + " dbs.forEach(function (d) { indexedDB.deleteDatabase(d.name); }); }); }");
        }
        driver.manage().deleteAllCookies();
    }

    @Override
    public void restart() {
        AppLaunch launch = lastLaunch;
        if (launch == null) {
            throw new IllegalStateException("the app was never launched on " + spec.name());
        }
        InteractsWithApps apps = (InteractsWithApps) driver;
        apps.terminateApp(appId());
        apps.activateApp(appId());
        launch(launch);
    }

    @Override
    public void reset() {
        clearData();
        if (app.isBrowser()) {
            driver.get("about:blank");
        } else {
            ((InteractsWithApps) driver).terminateApp(appId());
        }
        lastLaunch = null;
        if (androidNetwork != null && androidNetwork.isOffline()) {
            androidNetwork.online();
        }
        drain();
    }

    @Override
    public boolean isResponsive() {
        try {
            driver.manage().timeouts().getImplicitWaitTimeout();
            return true;
        } catch (WebDriverException e) {
            return false;
        }
    }

    /**
     * logcat on Android, syslog on iOS: each line handed out once. Read through the log command directly: the
     * drivers answer it in shapes Selenium's own log reader does not always take.
     */
    @Override
    public List<DeviceLogEntry> drain() {
        String type = spec.platform() == Platform.ANDROID ? "logcat" : "syslog";
        List<DeviceLogEntry> fresh = new ArrayList<>();
        try {
            Object value = driver.execute(DriverCommand.GET_LOG, Map.of("type", type)).getValue();
            if (value instanceof List<?> lines) {
                for (Object line : lines) {
                    if (line instanceof Map<?, ?> entry) {
                        Object at = entry.get("timestamp");
                        String level = String.valueOf(entry.get("level"));
                        fresh.add(new DeviceLogEntry(at instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                                : Instant.now(), type, level.equals("SEVERE") || level.equals("ERROR") ? "error"
                                : level.equals("WARNING") ? "warn" : "info", String.valueOf(entry.get("message"))));
                    }
                }
            }
        } catch (WebDriverException e) {
            // no log from a dead session
        }
        log.addAll(fresh);
        return fresh;
    }

    @Override
    public List<DeviceLogEntry> all() {
        drain();
        return List.copyOf(log);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (WebDriverException ignored) {
            // gone already
        } finally {
            onClose.run();
        }
    }

    private String appId() {
        if (app.isBrowser()) {
            return spec.platform() == Platform.ANDROID ? CHROME : SAFARI;
        }
        return spec.platform() == Platform.ANDROID ? app.appPackage() : app.bundleId();
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /** Android's Wi-Fi and mobile data, through UiAutomator2's connectivity command. */
    /**
     * Offline and online through Appium's connection settings. Shaping (latency, bandwidth, loss) and a record of the
     * device's requests need the farm's network path in front of the device, which an Android device reaches through
     * the emulator's {@code -http-proxy} or adb's proxy setting (docs/DEVICES.md): without it they are not offered.
     */
    private final class AndroidNetwork implements NetworkControl {
        private volatile boolean offline;
        private final java.util.List<NetworkSwitch> switches = new java.util.concurrent.CopyOnWriteArrayList<>(
                java.util.List.of(new NetworkSwitch(java.time.Instant.now(), NetworkProfile.FULL)));

        @Override
        public void offline() {
            driver.executeScript("mobile: setConnectivity", Map.of("wifi", false, "data", false));
            offline = true;
            switches.add(new NetworkSwitch(java.time.Instant.now(), NetworkProfile.OFFLINE));
        }

        @Override
        public void online() {
            driver.executeScript("mobile: setConnectivity", Map.of("wifi", true, "data", true));
            offline = false;
            switches.add(new NetworkSwitch(java.time.Instant.now(), NetworkProfile.FULL));
        }

        @Override
        public void throttle(int latencyMillis, int downloadKbps, int uploadKbps) {
            throw new UnsupportedOperationException("throttling an Android device needs the farm's network path in "
                    + "front of it (an emulator's -http-proxy, or adb's proxy setting: docs/DEVICES.md)");
        }

        @Override
        public void profile(NetworkProfile profile) {
            if (profile.offline()) {
                offline();
            } else if (profile.equals(NetworkProfile.FULL)) {
                online();
            } else {
                throttle(0, 0, 0);
            }
        }

        @Override
        public NetworkProfile current() {
            return offline ? NetworkProfile.OFFLINE : NetworkProfile.FULL;
        }

        @Override
        public java.util.List<NetworkSwitch> switches() {
            return java.util.List.copyOf(switches);
        }

        @Override
        public java.util.List<Exchange> traffic() {
            return java.util.List.of();
        }

        @Override
        public boolean isOffline() {
            return offline;
        }
    }
}
