package dev.harrow.device;

import io.appium.java_client.AppiumDriver;
import java.net.URI;
import java.util.Optional;

/**
 * A device leased to a scenario: its identity, its Appium session, and narrow capabilities that its kind either
 * offers or declines with a reason ({@link Capability}). Scenarios get one injected by
 * {@link dev.harrow.device.junit.DeviceExtension}.
 */
public interface Device {
    /** The device's name in devices.yml; unique in the pool. Apps launched by Harrow report it as their device id. */
    String name();

    Platform platform();

    DeviceKind kind();

    /** The live Appium session. It changes when the app is restarted: ask for it again rather than keeping it. */
    AppiumDriver driver();

    AppControl app();

    /**
     * The web app this device is to open, when its {@code app:} in devices.yml names one (a URL to any web app or
     * PWA); empty when the device opens the farm's sample app, or installs a native app.
     */
    default Optional<URI> webApp() {
        return Optional.empty();
    }

    /** Offline, online, throttled. */
    Capability<NetworkControl> network();

    /** Time zone and language. */
    Capability<Localization> localization();

    /** The device's own log (console, logcat, syslog). */
    Capability<DeviceLogs> logs();

    /** Pushes handed to the app as the OS would, for sandbox gateways. */
    Capability<PushInbox> pushInbox();

    /** A PNG of what the device shows now. */
    byte[] screenshot();
}
