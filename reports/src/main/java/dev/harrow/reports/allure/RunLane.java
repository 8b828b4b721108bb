package dev.harrow.reports.allure;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The device a group of results ran on: the report's timeline lane and the parameters that make one scenario on
 * four devices four results. Plain strings, so that the reports module knows nothing of devices.
 *
 * @param finalScreen takes a PNG of the device's screen when a scenario ends, or returns null if it cannot
 */
public record RunLane(String device, String platform, String kind, String profile, Supplier<byte[]> finalScreen) {
    public RunLane {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(kind, "kind");
    }

    public Optional<String> profileIfSet() {
        return Optional.ofNullable(profile);
    }
}
