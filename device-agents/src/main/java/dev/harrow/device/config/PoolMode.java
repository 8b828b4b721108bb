package dev.harrow.device.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the farm spends a pool on a suite ({@code pool.mode} in devices.yml, or {@code --mode}). */
public enum PoolMode {
    /** Each scenario on every device that can run it: what a release check on a device matrix wants. */
    MATRIX,
    /** Each scenario once per platform, on any device of that platform that can run it. */
    PER_PLATFORM,
    /** Each scenario once, on any device that can run it: the fastest way through a suite. */
    DISTRIBUTE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<PoolMode> fromWire(String text) {
        return Arrays.stream(values()).filter(m -> m.wire().equals(text)).findFirst();
    }

    public static String allWire() {
        return Arrays.stream(values()).map(PoolMode::wire).collect(Collectors.joining(", "));
    }
}
