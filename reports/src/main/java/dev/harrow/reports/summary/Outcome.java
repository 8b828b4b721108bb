package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How one scenario run on one device ended. */
public enum Outcome {
    /** The scenario passed. */
    PASSED,
    /** An assertion failed: the app or backend did not behave. */
    FAILED,
    /** The scenario broke on something other than an assertion (an exception, a timeout). */
    BROKEN,
    /** The scenario was skipped or aborted by an assumption. */
    SKIPPED,
    /** The scenario could not run: its device was unavailable. An infrastructure failure, not a verdict. */
    NOT_RUN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFailure() {
        return this == FAILED || this == BROKEN;
    }
}
