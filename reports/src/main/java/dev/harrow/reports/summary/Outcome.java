package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How one scenario ended in one slot of a run (or how one try of it ended). */
public enum Outcome {
    /** The scenario passed. */
    PASSED,
    /** The scenario failed, then passed on a retry: reported, neither hidden nor failed (unless the run says so). */
    FLAKY,
    /** An assertion failed: the app or backend did not behave. */
    FAILED,
    /** The scenario broke on something other than an assertion (an exception, a timeout). */
    BROKEN,
    /** The scenario was skipped or aborted by an assumption. */
    SKIPPED,
    /** The scenario could not run: every device that could run it was unavailable. Infrastructure, not a verdict. */
    NOT_RUN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFailure() {
        return this == FAILED || this == BROKEN;
    }
}
