package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One scenario on one device. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScenarioRun(String scenario, String displayName, Outcome outcome, long durationMillis, String message) {
}
