package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What happened on one device: the scenarios it ran, or why it ran none.
 *
 * @param unavailable why the device could not be used (null when it could)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceRuns(String device, String platform, String kind, String profile, String unavailable,
                         List<ScenarioRun> runs) {
    public DeviceRuns {
        runs = List.copyOf(runs);
    }

    public long count(Outcome outcome) {
        return runs.stream().filter(r -> r.outcome() == outcome).count();
    }

    public long totalMillis() {
        return runs.stream().mapToLong(ScenarioRun::durationMillis).sum();
    }
}
