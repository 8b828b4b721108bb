package dev.harrow.reports.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The machine-readable verdict of one farm run ({@code farm-summary.json}) and its console rendering.
 *
 * @param mode how the pool was spent: matrix, per-platform or distribute
 * @param shard which part of the suite this run was ({@code "2/4"}), or null for the whole suite
 * @param exitCode 0 all passed, 1 a scenario failed, 2 a configuration or infrastructure error
 * @param scenarios one verdict per scenario and slot, with its tries
 * @param notRunnable scenarios no device of the pool can run
 * @param plan for a shard of a pipeline, how its part was decided; for a merged pipeline, null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FarmSummary(Instant startedAt, Instant finishedAt, String pool, String mode, String shard,
                          int exitCode, List<String> problems, Map<Outcome, Long> totals,
                          List<ScenarioRun> scenarios, List<DeviceReport> devices, List<NotRunnable> notRunnable,
                          List<DeviceTelemetry> telemetry, ShardPlan plan) {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public FarmSummary {
        problems = List.copyOf(problems);
        totals = Map.copyOf(totals);
        scenarios = List.copyOf(scenarios);
        devices = List.copyOf(devices);
        notRunnable = List.copyOf(notRunnable);
        telemetry = telemetry == null ? List.of() : List.copyOf(telemetry);
    }

    public static FarmSummary of(Instant startedAt, Instant finishedAt, String pool, String mode, String shard,
                                 int exitCode, List<String> problems, List<ScenarioRun> scenarios,
                                 List<DeviceReport> devices, List<NotRunnable> notRunnable) {
        Map<Outcome, Long> totals = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            totals.put(outcome, scenarios.stream().filter(s -> s.outcome() == outcome).count());
        }
        return new FarmSummary(startedAt, finishedAt, pool, mode, shard, exitCode, problems, totals, scenarios,
                devices, notRunnable, List.of(), null);
    }

    /** This summary with the devices' telemetry verdicts. */
    public FarmSummary withTelemetry(List<DeviceTelemetry> verdicts) {
        return new FarmSummary(startedAt, finishedAt, pool, mode, shard, exitCode, problems, totals, scenarios,
                devices, notRunnable, verdicts, plan);
    }

    /** This summary with how its shard's part was planned. */
    public FarmSummary withPlan(ShardPlan value) {
        return new FarmSummary(startedAt, finishedAt, pool, mode, shard, exitCode, problems, totals, scenarios,
                devices, notRunnable, telemetry, value);
    }

    /** Reads a summary that {@link #writeJson} wrote (fields it does not know are ignored: a newer farm's). */
    public static FarmSummary readJson(Path file) {
        try {
            return JSON.readValue(file.toFile(), FarmSummary.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the farm summary " + file + ": " + e.getMessage(), e);
        }
    }

    public long count(Outcome outcome) {
        return totals.getOrDefault(outcome, 0L);
    }

    /** The verdicts given on one device (the device of each verdict's last try). */
    public List<ScenarioRun> decidedOn(String device) {
        return scenarios.stream().filter(s -> s.device().filter(device::equals).isPresent()).toList();
    }

    /** Writes the summary as JSON, atomically: a reader never sees half a file. */
    public void writeJson(Path file) {
        writeAtomically(file, partial -> JSON.writeValue(partial.toFile(), this));
    }

    /** Writes {@link #toText()} to a file, atomically, for people reading build artifacts rather than the log. */
    public void writeText(Path file) {
        writeAtomically(file, partial -> Files.writeString(partial, toText()));
    }

    /** Writes {@link FarmSummaryPage}: the summary as an HTML page with the devices' timeline, atomically. */
    public void writeHtml(Path file) {
        writeAtomically(file, partial -> Files.writeString(partial, FarmSummaryPage.render(this)));
    }

    private interface FileWriting {
        void into(Path partial) throws IOException;
    }

    private static void writeAtomically(Path file, FileWriting writing) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
            writing.into(partial);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A per-device table for the console, with what did not pass spelled out under it. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Harrow farm: %d device(s), %s%s, %d verdict(s): %d passed, %d flaky, "
                        + "%d failed, %d broken, %d skipped, %d not run (%s)%n",
                devices.size(), mode, shard == null ? "" : ", shard " + shard, scenarios.size(),
                count(Outcome.PASSED), count(Outcome.FLAKY), count(Outcome.FAILED), count(Outcome.BROKEN),
                count(Outcome.SKIPPED), count(Outcome.NOT_RUN),
                seconds(Duration.between(startedAt, finishedAt).toMillis())));
        out.append(String.format(Locale.ROOT, "  %-22s %-8s %-26s %5s %9s  %s%n", "device", "platform", "profile",
                "tries", "busy", "state"));
        for (DeviceReport device : devices) {
            String state = device.reason() == null ? device.state()
                    : device.state().toUpperCase(Locale.ROOT) + ": " + firstLine(device.reason());
            out.append(String.format(Locale.ROOT, "  %-22s %-8s %-26s %5d %9s  %s%n", device.device(),
                    device.platform(), device.profile() == null ? "-" : device.profile(), device.tries(),
                    seconds(device.busyMillis()), state));
        }
        for (DeviceTelemetry t : telemetry) {
            out.append(String.format(Locale.ROOT, "  %-22s telemetry: %d emitted, %d stored, %d duplicates absorbed, "
                    + "%d lost, %d waiting%s%n", t.device(), t.emitted(), t.stored(), t.duplicates(), t.lost(),
                    t.waiting(), pushes(t.pushes())));
        }
        for (ScenarioRun run : scenarios) {
            if (run.outcome() == Outcome.PASSED || run.outcome() == Outcome.SKIPPED) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %-7s %s [%s]: %s%n", run.outcome().wire().toUpperCase(
                    Locale.ROOT), run.displayName(), run.slot(), describe(run)));
        }
        for (NotRunnable gap : notRunnable) {
            out.append(String.format(Locale.ROOT, "  NOT RUNNABLE on this pool: %s (needs %s): %s%n",
                    gap.displayName(), gap.needs(), firstLine(gap.reason())));
        }
        for (String problem : problems) {
            out.append("  PROBLEM ").append(problem).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String pushes(DeviceTelemetry.Pushes p) {
        if (p.targeted() == 0) {
            return "";
        }
        Map<String, Long> delivery = p.deliveryLatency();
        return String.format(Locale.ROOT, "; pushes: %d targeted, %d accepted, %d rejected, %d delivered, %d opened%s",
                p.targeted(), p.accepted(), p.rejected(), p.delivered(), p.opened(),
                delivery.get("n") == 0 ? "" : " (delivery p50 " + delivery.get("p50") + " ms)");
    }

    /** The tries behind a verdict, in one line: "failed on pixel-7 (AssertionError: ...), passed on iphone-se". */
    private static String describe(ScenarioRun run) {
        if (run.attempts().isEmpty()) {
            return firstLine(run.message());
        }
        return run.attempts().stream().map(a -> (a.infrastructure() ? "lost" : a.outcome().wire()) + " on "
                + a.device() + (a.message() == null || a.outcome() == Outcome.PASSED ? ""
                : " (" + firstLine(a.message()) + ")")).collect(Collectors.joining(", then "));
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
