package dev.harrow.farm.plan;

import dev.harrow.device.config.DeviceSpec;
import java.util.List;
import java.util.Objects;

/**
 * One verdict the run owes: a scenario on a device (matrix), on a platform (per-platform) or on the pool
 * (distribute), with the devices that may give it.
 *
 * @param key the device's name, the platform, or {@value #POOL}
 * @param eligible the devices that offer what the scenario needs, in pool order; never empty
 */
public record Slot(ScenarioRef scenario, String key, List<DeviceSpec> eligible) {
    public static final String POOL = "pool";

    public Slot {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(key, "key");
        eligible = List.copyOf(eligible);
        if (eligible.isEmpty()) {
            throw new IllegalArgumentException(scenario.id() + " [" + key + "] has no device to run on");
        }
    }

    /** {@code Class#method [key]}, for console lines. */
    public String label() {
        return scenario.shortName() + " [" + key + "]";
    }
}
