package dev.harrow.farm.schedule;

import dev.harrow.reports.summary.Outcome;
import java.util.Objects;

/** How one try of a scenario ended, as its executor saw it. */
public record AttemptResult(Outcome outcome, long durationMillis, String message) {
    public AttemptResult {
        Objects.requireNonNull(outcome, "outcome");
    }
}
