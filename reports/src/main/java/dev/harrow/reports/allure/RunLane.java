package dev.harrow.reports.allure;

import java.util.Objects;
import java.util.Optional;

/**
 * The device a group of results ran on: the report's timeline lane and the parameters that make one scenario on
 * four devices four results. Plain strings, so that the reports module knows nothing of devices.
 *
 * @param evidence what the device shows and logged when a scenario ends; attached to its result
 */
public record RunLane(String device, String platform, String kind, String profile, LaneEvidence evidence) {
    public RunLane {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(kind, "kind");
        evidence = evidence == null ? LaneEvidence.none() : evidence;
    }

    public Optional<String> profileIfSet() {
        return Optional.ofNullable(profile);
    }
}
