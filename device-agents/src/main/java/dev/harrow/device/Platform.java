package dev.harrow.device;

import java.util.Locale;
import java.util.Optional;

/** The mobile platform a device is, or emulates. */
public enum Platform {
    ANDROID,
    IOS;

    /** The spelling of devices.yml and of telemetry: {@code android}, {@code ios}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Platform> fromWire(String value) {
        for (Platform p : values()) {
            if (p.wire().equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
