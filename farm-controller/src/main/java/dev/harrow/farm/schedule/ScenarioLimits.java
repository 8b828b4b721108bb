package dev.harrow.farm.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one try of a scenario may go on.
 *
 * @param timeout the longest a try may take
 * @param idle the longest a try may leave its device silent (no command sent, no answer); a hung scenario or a
 *        hung device is found long before the timeout
 * @param grace how long a try that was ended gets to wind down before its thread is abandoned
 */
public record ScenarioLimits(Duration timeout, Duration idle, Duration grace) {
    public ScenarioLimits {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(grace, "grace");
        if (timeout.isZero() || timeout.isNegative() || idle.isZero() || idle.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("scenario timeout and idle limit must be positive");
        }
    }

    /** Ten minutes per try, two minutes of silence, fifteen seconds to wind down. */
    public static ScenarioLimits defaults() {
        return new ScenarioLimits(Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(15));
    }
}
