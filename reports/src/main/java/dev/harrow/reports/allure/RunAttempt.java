package dev.harrow.reports.allure;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One try of a scenario, as the report should show it.
 *
 * @param slot what the run's verdict is about: a device (matrix), a platform (per-platform) or the whole pool
 *        (distribute). Tries of one slot share their report history, so a retry on another device shows beside the
 *        try it repeats, and the report marks a pass after a failure as flaky.
 * @param number 1 for the first try
 * @param afterFailure whether an earlier try of the slot failed
 * @param interruption why the farm ended the try (a timeout, the watchdog), when it did; asked when the try ends
 */
public record RunAttempt(String slot, int number, boolean afterFailure, Supplier<Optional<String>> interruption) {
    public RunAttempt {
        Objects.requireNonNull(slot, "slot");
        if (number < 1) {
            throw new IllegalArgumentException("attempts are numbered from 1");
        }
        interruption = interruption == null ? Optional::empty : interruption;
    }

    /** The only try of a scenario on a device: a result of its own per device. */
    public static RunAttempt first(String slot) {
        return new RunAttempt(slot, 1, false, Optional::empty);
    }
}
