package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What one device of the pool did in a run.
 *
 * @param state {@code "ok"}, {@code "quarantined"} (taken out of the run after repeated infrastructure failures) or
 *        {@code "unavailable"} (never usable: no provider, no session)
 * @param reason why it was quarantined or unavailable
 * @param tries tries of scenarios it ran
 * @param busyMillis time spent in those tries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceReport(String device, String platform, String kind, String profile, String state, String reason,
                           int tries, long busyMillis) {
    public static final String OK = "ok";
    public static final String QUARANTINED = "quarantined";
    public static final String UNAVAILABLE = "unavailable";

    public DeviceReport {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
    }
}
