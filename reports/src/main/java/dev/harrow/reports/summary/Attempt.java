package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One try of a scenario on one device.
 *
 * @param infrastructure whether the try was lost to the infrastructure (the device dropped, the session died)
 *        rather than ended by the scenario: it says nothing about the app and does not use up the scenario's retries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(String device, Instant startedAt, Outcome outcome, long durationMillis, String message,
                      boolean infrastructure) {
    public Attempt {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(outcome, "outcome");
    }
}
