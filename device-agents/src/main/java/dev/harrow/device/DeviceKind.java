package dev.harrow.device;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a device is reached; each kind has its own provider. See docs/DEVICES.md. */
public enum DeviceKind {
    /** Chromium with mobile emulation, driven through the local Appium server. Runs anywhere Chromium does. */
    WEB_EMULATED("web-emulated"),
    /** An Android Virtual Device booted by the emulator CLI, or an emulator container. */
    ANDROID_EMULATOR("android-emulator"),
    /** A physical device behind an Appium server URL. */
    REAL("real"),
    /** An iOS simulator behind an Appium server URL. */
    IOS_SIMULATOR("ios-simulator"),
    /** A slot of a Selenium Grid 4 hub. */
    GRID("grid");

    private final String wire;

    DeviceKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<DeviceKind> fromWire(String value) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(value)).findFirst();
    }

    public static String allWire() {
        return Arrays.stream(values()).map(DeviceKind::wire).collect(Collectors.joining(", "));
    }
}
