package dev.harrow.device;

import io.appium.java_client.AppiumDriver;
import java.util.Optional;

/**
 * A device leased to a scenario: its identity, its Appium session, and the capabilities its kind offers. Scenarios
 * get one injected by {@link dev.harrow.device.junit.DeviceExtension}.
 */
public interface Device {
    /** The device's name in devices.yml; unique in the pool. Apps launched by Harrow report it as their device id. */
    String name();

    Platform platform();

    DeviceKind kind();

    /** The live Appium session. It changes when the app is restarted: ask for it again rather than keeping it. */
    AppiumDriver driver();

    AppControl app();

    /** Control of the device's network, if its kind offers it. */
    Optional<NetworkControl> network();

    /** A PNG of what the device shows now. */
    byte[] screenshot();
}
