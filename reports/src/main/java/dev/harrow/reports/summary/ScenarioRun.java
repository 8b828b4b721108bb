package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict on one scenario in one slot of a run, with every try behind it.
 *
 * @param scenario {@code package.Class#method}
 * @param slot what the verdict is about: a device name (matrix), a platform (per-platform) or "pool" (distribute)
 * @param durationMillis how long the try that decided it took
 * @param message why it did not pass (or, for a flaky one, what the failed try said)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScenarioRun(String scenario, String displayName, String slot, Outcome outcome, long durationMillis,
                          String message, List<Attempt> attempts) {
    public ScenarioRun {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(outcome, "outcome");
        attempts = List.copyOf(attempts);
    }

    /** The device that gave the verdict: the last one tried. */
    @JsonIgnore
    public Optional<String> device() {
        return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1).device());
    }

    @JsonIgnore
    public String className() {
        int hash = scenario.indexOf('#');
        return hash < 0 ? scenario : scenario.substring(0, hash);
    }

    @JsonIgnore
    public String methodName() {
        int hash = scenario.indexOf('#');
        return hash < 0 ? scenario : scenario.substring(hash + 1);
    }
}
