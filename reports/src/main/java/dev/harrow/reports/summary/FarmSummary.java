package dev.harrow.reports.summary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The machine-readable verdict of one farm run ({@code farm-summary.json}) and its console rendering.
 *
 * @param exitCode 0 all passed, 1 a scenario failed, 2 a configuration or infrastructure error
 */
public record FarmSummary(Instant startedAt, Instant finishedAt, String pool, int exitCode, List<String> problems,
                          Map<Outcome, Long> totals, List<DeviceRuns> devices) {
    public FarmSummary {
        problems = List.copyOf(problems);
        devices = List.copyOf(devices);
        totals = Map.copyOf(totals);
    }

    public static FarmSummary of(Instant startedAt, Instant finishedAt, String pool, int exitCode,
                                 List<String> problems, List<DeviceRuns> devices) {
        Map<Outcome, Long> totals = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            totals.put(outcome, devices.stream().mapToLong(d -> d.count(outcome)).sum());
        }
        return new FarmSummary(startedAt, finishedAt, pool, exitCode, problems, totals, devices);
    }

    public void writeJson(Path file) {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            json.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A per-device table for the console, with the failures spelled out under it. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        long runs = totals.values().stream().mapToLong(Long::longValue).sum();
        out.append(String.format(Locale.ROOT, "Harrow farm: %d device(s), %d run(s): %d passed, %d failed, "
                        + "%d broken, %d skipped, %d not run (%s)%n",
                devices.size(), runs, totals.get(Outcome.PASSED), totals.get(Outcome.FAILED),
                totals.get(Outcome.BROKEN), totals.get(Outcome.SKIPPED), totals.get(Outcome.NOT_RUN),
                seconds(Duration.between(startedAt, finishedAt).toMillis())));
        out.append(String.format(Locale.ROOT, "  %-22s %-8s %-26s %-8s %s%n", "device", "platform", "profile",
                "time", "result"));
        for (DeviceRuns device : devices) {
            String result;
            if (device.unavailable() != null) {
                result = "UNAVAILABLE: " + device.unavailable();
            } else {
                result = String.format(Locale.ROOT, "%d passed, %d failed, %d broken, %d skipped",
                        device.count(Outcome.PASSED), device.count(Outcome.FAILED), device.count(Outcome.BROKEN),
                        device.count(Outcome.SKIPPED));
            }
            out.append(String.format(Locale.ROOT, "  %-22s %-8s %-26s %-8s %s%n", device.device(), device.platform(),
                    device.profile() == null ? "-" : device.profile(), seconds(device.totalMillis()), result));
        }
        for (DeviceRuns device : devices) {
            for (ScenarioRun run : device.runs()) {
                if (run.outcome().isFailure() || run.outcome() == Outcome.NOT_RUN) {
                    out.append(String.format(Locale.ROOT, "  %s %s on %s: %s%n", run.outcome().wire().toUpperCase(
                            Locale.ROOT), run.displayName(), device.device(), run.message() == null ? ""
                            : run.message().lines().findFirst().orElse("")));
                }
            }
        }
        for (String problem : problems) {
            out.append("  PROBLEM ").append(problem).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
