package dev.harrow.device.remote;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.KindOptions;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import io.appium.java_client.AppiumClientConfig;
import io.appium.java_client.AppiumDriver;
import io.appium.java_client.android.AndroidDriver;
import io.appium.java_client.android.options.UiAutomator2Options;
import io.appium.java_client.ios.IOSDriver;
import io.appium.java_client.ios.options.XCUITestOptions;
import io.appium.java_client.remote.options.BaseOptions;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.WebDriverException;

/**
 * Real devices and simulators behind an Appium server someone else runs (UiAutomator2 for Android, XCUITest for
 * iOS), with options built by the java-client's option classes. Also the way into an Android emulator or a grid
 * slot once it is up: {@link #openAt}.
 */
public final class RemoteAppiumProvider implements DeviceProvider {
    static final Duration SESSION_CREATE_TIMEOUT = Duration.ofMinutes(5);

    private final DeviceKind kind;

    /** @param kind {@link DeviceKind#REAL} or {@link DeviceKind#IOS_SIMULATOR} */
    public RemoteAppiumProvider(DeviceKind kind) {
        if (kind != DeviceKind.REAL && kind != DeviceKind.IOS_SIMULATOR) {
            throw new IllegalArgumentException("remote Appium serves real devices and iOS simulators, not " + kind);
        }
        this.kind = kind;
    }

    @Override
    public DeviceKind kind() {
        return kind;
    }

    @Override
    public DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException {
        KindOptions.RemoteAppium options = spec.options(KindOptions.RemoteAppium.class);
        return openAt(options.appiumUrl(), spec, options.udid(), options.deviceName(), options.platformVersion(),
                options.app(), Map.of(), () -> { });
    }

    /**
     * A session on {@code endpoint} (an Appium server or a grid hub) for the device {@code spec} describes.
     *
     * @param extra capabilities added before the spec's own overrides (a grid slot's stereotype)
     * @param onClose what else to stop when the session ends (an emulator booted for it)
     */
    public static DeviceSession openAt(URI endpoint, DeviceSpec spec, String udid, String deviceName,
                                       String platformVersion, KindOptions.AppTarget app, Map<String, Object> extra,
                                       Runnable onClose) throws DeviceUnavailableException {
        BaseOptions<?> options = options(spec.platform(), udid, deviceName, platformVersion, app);
        extra.forEach(options::setCapability);
        spec.capabilities().forEach(options::setCapability);
        URL url;
        try {
            url = endpoint.toURL();
        } catch (MalformedURLException e) {
            throw new DeviceUnavailableException("bad Appium URL " + endpoint, e);
        }
        DeviceActivity activity = new DeviceActivity();
        AppiumClientConfig client = AppiumClientConfig.defaultConfig().baseUrl(url)
                .readTimeout(SESSION_CREATE_TIMEOUT).withFilter(activity.filter());
        AppiumDriver driver;
        try {
            driver = spec.platform() == Platform.ANDROID ? new AndroidDriver(client, options)
                    : new IOSDriver(client, options);
        } catch (WebDriverException e) {
            onClose.run();
            throw new DeviceUnavailableException("could not create a session on " + spec + " at " + endpoint + ": "
                    + firstLine(e.getMessage()), e);
        }
        return new RemoteAppiumDevice(spec, driver, activity, app, onClose);
    }

    /** UiAutomator2 or XCUITest options for the device and what runs on it (browser or installed app). */
    static BaseOptions<?> options(Platform platform, String udid, String deviceName, String platformVersion,
                                  KindOptions.AppTarget app) {
        if (platform == Platform.ANDROID) {
            UiAutomator2Options options = new UiAutomator2Options().setNewCommandTimeout(Duration.ofMinutes(5));
            if (udid != null) {
                options.setUdid(udid);
            }
            options.setDeviceName(deviceName != null ? deviceName : udid != null ? udid : "Android");
            if (platformVersion != null) {
                options.setPlatformVersion(platformVersion);
            }
            if (app.isBrowser()) {
                options.withBrowserName(app.browser());
            } else {
                if (app.app() != null) {
                    options.setApp(app.app());
                }
                if (app.appPackage() != null) {
                    options.setAppPackage(app.appPackage());
                }
                if (app.appActivity() != null) {
                    options.setAppActivity(app.appActivity());
                }
            }
            return options;
        }
        XCUITestOptions options = new XCUITestOptions().setNewCommandTimeout(Duration.ofMinutes(5));
        if (udid != null) {
            options.setUdid(udid);
        }
        options.setDeviceName(deviceName != null ? deviceName : "iPhone");
        if (platformVersion != null) {
            options.setPlatformVersion(platformVersion);
        }
        if (app.isBrowser()) {
            options.withBrowserName(app.browser());
        } else {
            if (app.app() != null) {
                options.setApp(app.app());
            }
            if (app.bundleId() != null) {
                options.setBundleId(app.bundleId());
            }
        }
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
