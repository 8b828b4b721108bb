package dev.harrow.device.webemulated;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.network.DevicePath;
import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.device.runtime.FreePorts;
import dev.harrow.device.runtime.Prerequisites;
import dev.harrow.device.runtime.WorkDirs;
import io.appium.java_client.AppiumClientConfig;
import io.appium.java_client.chromium.ChromiumDriver;
import io.appium.java_client.chromium.options.ChromiumOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.openqa.selenium.WebDriverException;

/**
 * Phones emulated by Chromium (a named mobile-emulation profile: viewport, pixel ratio, user agent, touch), driven
 * through the local Appium server's Chromium driver. Each session gets its own ChromeDriver port and browser
 * profile dir: sessions sharing either would kill or corrupt each other.
 */
public final class WebEmulatedProvider implements DeviceProvider {
    /** Chromium flags for a headless browser on a machine with no network beyond loopback and no GPU. */
    static final List<String> CHROMIUM_ARGS = List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--disable-features=Translate,OptimizationHints,MediaRouter");
    static final Duration SESSION_CREATE_TIMEOUT = Duration.ofSeconds(90);
    static final String DEBIAN_CHROMIUM = "/usr/bin/chromium";
    static final String DEBIAN_CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Ports for ChromeDriver on a grid node's host, where this process cannot ask which ones are free. */
    static final int REMOTE_PORT_BASE = 20000;
    static final int REMOTE_PORT_SPAN = 30000;

    private final URL appiumUrl;
    private final WorkDirs dirs;
    private final Map<String, Object> stereotype;

    /** Emulated phones on the local Appium server at {@code appiumUrl}, with their files under {@code dirs}. */
    public WebEmulatedProvider(URL appiumUrl, WorkDirs dirs) {
        this.appiumUrl = appiumUrl;
        this.dirs = dirs;
        this.stereotype = Map.of();
    }

    private WebEmulatedProvider(URL hub, Map<String, Object> stereotype) {
        this.appiumUrl = hub;
        this.dirs = null;
        this.stereotype = Map.copyOf(stereotype);
    }

    /**
     * Emulated phones on the hosts behind a Selenium Grid hub: Chromium runs on the node's host, in a profile of its
     * own making, and its ChromeDriver port is drawn at random (a taken one fails the session, and the agent tries
     * again). The node's host needs Chromium and ChromeDriver where devices.yml's capabilities say, by default the
     * Debian paths.
     */
    public static WebEmulatedProvider throughGrid(URL hub, Map<String, Object> stereotype) {
        return new WebEmulatedProvider(hub, stereotype);
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.WEB_EMULATED;
    }

    @Override
    public DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException {
        boolean local = dirs != null;
        int chromedriverPort = local ? FreePorts.next()
                : REMOTE_PORT_BASE + ThreadLocalRandom.current().nextInt(REMOTE_PORT_SPAN);
        Path profile = local ? startsBlank(dirs.dir("devices", spec.name(), "profile-" + chromedriverPort)) : null;
        // The device's network: a path of the farm's on this host, which the browser uses for loopback too. A grid
        // node's browser runs on another host, which this path does not reach: it keeps DevTools emulation only
        // (as does -Dharrow.devicePath=off, for measuring what the path costs).
        DevicePath path = local && !"off".equals(System.getProperty("harrow.devicePath"))
                ? DevicePath.start(spec.name(), spec.network()) : null;
        ChromiumOptions options = options(spec, chromedriverPort, profile, local, path);
        stereotype.forEach(options::setCapability);
        spec.capabilities().forEach(options::setCapability);
        WebEmulatedDevice device;
        try {
            DeviceActivity activity = new DeviceActivity();
            device = new WebEmulatedDevice(spec, activity, () -> new ChromiumDriver(AppiumClientConfig.defaultConfig()
                    .baseUrl(appiumUrl).readTimeout(SESSION_CREATE_TIMEOUT).withFilter(activity.filter()), options),
                    profile, path);
        } catch (WebDriverException e) {
            if (profile != null) {
                WorkDirs.deleteTree(profile);
            }
            if (path != null) {
                path.close();
            }
            throw new DeviceUnavailableException("could not create a session on " + spec + ": "
                    + firstLine(e.getMessage()), e);
        }
        try {
            device.applyEmulation();
        } catch (WebDriverException e) {
            device.close();
            throw new DeviceUnavailableException("could not apply the emulation settings of " + spec + ": "
                    + firstLine(e.getMessage()), e);
        }
        return device;
    }

    /**
     * Makes a fresh profile open its first tab on about:blank. Given a profile of ours, ChromeDriver no longer starts
     * Chromium on a blank page (and drops a start URL among the arguments), so Chromium opens its new-tab page: a
     * WebUI page that reaches for the network, which takes seconds to load and to leave, and a page committed on
     * the way out of it can miss the emulated touch screen. The profile's startup preference says where to start.
     */
    static Path startsBlank(Path profile) {
        Path preferences = profile.resolve("Default").resolve("Preferences");
        if (Files.notExists(preferences)) {
            try {
                Files.createDirectories(preferences.getParent());
                Files.writeString(preferences,
                        "{\"session\":{\"restore_on_startup\":4,\"startup_urls\":[\"about:blank\"]}}");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + preferences, e);
            }
        }
        return profile;
    }

    static ChromiumOptions options(DeviceSpec spec, int chromedriverPort, Path profile, boolean local,
                                   DevicePath path) {
        List<String> args = new ArrayList<>(CHROMIUM_ARGS);
        if (profile != null) {
            args.add("--user-data-dir=" + profile);
        }
        if (path != null) {
            args.add("--proxy-server=" + path.proxyUrl());
            // Chromium sends loopback around a proxy unless told otherwise: the app and the farm's backend are on
            // loopback, and their requests are the ones that must go through the device's network
            args.add("--proxy-bypass-list=<-loopback>");
        }
        spec.localeIfSet().ifPresent(locale -> args.add("--lang=" + locale));

        Map<String, Object> chromeOptions = new LinkedHashMap<>();
        chromeOptions.put("binary", local ? Prerequisites.chromium().toString() : DEBIAN_CHROMIUM);
        chromeOptions.put("args", args);
        chromeOptions.put("mobileEmulation", Map.of("deviceName", spec.profile()));
        spec.localeIfSet().ifPresent(locale -> chromeOptions.put("prefs", Map.of("intl.accept_languages", locale)));

        ChromiumOptions options = new ChromiumOptions();
        options.setCapability("platformName", "linux");
        options.setCapability("browserName", "chrome");
        options.setCapability("appium:automationName", "Chromium");
        options.setCapability("appium:executable", local ? Prerequisites.chromedriver().toString()
                : DEBIAN_CHROMEDRIVER);
        options.setCapability("appium:autodownloadEnabled", false);
        options.setCapability("appium:chromedriverPort", chromedriverPort);
        options.setCapability("appium:newCommandTimeout", 300);
        options.setCapability("goog:chromeOptions", chromeOptions);
        // the browser console, read back through the session's log endpoint
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return options;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
