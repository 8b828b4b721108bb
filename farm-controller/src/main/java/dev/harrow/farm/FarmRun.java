package dev.harrow.farm;

import dev.harrow.device.config.DevicePool;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.DevicesFile;
import dev.harrow.device.config.DevicesFileException;
import dev.harrow.device.config.PoolMode;
import dev.harrow.device.runtime.MissingPrerequisiteException;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.farm.plan.DurationEstimates;
import dev.harrow.farm.plan.FileTimingStore;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.ScenarioRef;
import dev.harrow.farm.plan.SuiteDiscovery;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RunProgress;
import dev.harrow.reports.allure.AllureCommandline;
import dev.harrow.reports.allure.LaneResultsListener;
import dev.harrow.reports.allure.ReportInputs;
import dev.harrow.reports.junit.SurefireXml;
import dev.harrow.reports.summary.DeviceTelemetry;
import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.NotRunnable;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the farm: discovers the suite, plans its slots on the pool (matrix, per platform or distributed),
 * takes this shard's part, and schedules it across the devices, longest expected first, with retries, timeouts and
 * quarantine. Writes Allure results and the HTML report, {@code farm-summary.json}, JUnit XML and the timings for
 * the next run; returns the summary, whose exit code is 0 when every verdict passed, 1 when a scenario failed, 2 on
 * a configuration or infrastructure error.
 */
public final class FarmRun {
    public static final int PASSED = 0;
    public static final int SCENARIO_FAILED = 1;
    public static final int INFRASTRUCTURE = 2;
    static final String REPORT_NAME = "Harrow farm";
    private static final Logger log = LoggerFactory.getLogger(FarmRun.class);
    /** The devices' telemetry verdicts, taken from the runtime before it stops. */
    private List<DeviceTelemetry> telemetry = List.of();

    private final FarmOptions options;
    private final PrintStream out;
    private final FarmRuntime.Starter runtime;

    public FarmRun(FarmOptions options, PrintStream out) {
        this(options, out, LocalRuntime::start);
    }

    FarmRun(FarmOptions options, PrintStream out, FarmRuntime.Starter runtime) {
        this.options = options;
        this.out = out;
        this.runtime = runtime;
    }

    public FarmSummary run() {
        Instant started = Instant.now();
        DevicePool pool;
        List<DeviceSpec> devices;
        PoolMode mode;
        List<ScenarioRef> scenarios;
        try {
            pool = DevicesFile.load(options.devicesFile());
            devices = selectDevices(pool);
            mode = options.mode() != null ? options.mode() : pool.mode();
            scenarios = discover();
        } catch (DevicesFileException | IllegalArgumentException e) {
            return finish(started, null, null, List.of(e.getMessage()), new FarmSchedule.Result(List.of(),
                    List.of()), List.of());
        }
        String shard = options.selection().shard() == null ? null : options.selection().shard().toString();
        if (scenarios.isEmpty()) {
            return finish(started, mode, shard, List.of("no scenario in " + options.suite().roots() + " matches tags "
                    + options.selection().tags() + " and --scenario " + options.selection().scenarioFilter()),
                    new FarmSchedule.Result(List.of(), List.of()), List.of());
        }

        TimingStore timings = FileTimingStore.open(options.timingsFile());
        DurationEstimates estimates = DurationEstimates.from(timings, scenarios);
        RunPlan plan = RunPlan.of(scenarios, devices, mode);
        if (options.selection().shard() != null) {
            Map<String, Long> slots = plan.slotsPerScenario();
            plan = plan.only(options.selection().shard().select(scenarios,
                    s -> estimates.of(s).toMillis() * slots.getOrDefault(s.id(), 0L)));
        }
        AllureLifecycle allure = allureLifecycle();
        writeNotRunnable(allure, plan, scenarios);

        List<String> problems = new ArrayList<>();
        FarmSchedule.Result result = new FarmSchedule.Result(List.of(), List.of());
        try (RunProgress progress = new RunProgress(out, options.progress())) {
            progress.note(describe(pool, devices, mode, shard, plan, estimates));
            if (!plan.slots().isEmpty()) {
                result = schedule(plan, devices, estimates, allure, progress, pool, mode, problems);
            }
        }
        recordTimings(timings, result.verdicts());
        generateReport(started).ifPresent(problems::add);
        return finish(started, mode, shard, problems, result, plan.notRunnable());
    }

    private FarmSchedule.Result schedule(RunPlan plan, List<DeviceSpec> devices, DurationEstimates estimates,
                                         AllureLifecycle allure, RunProgress progress, DevicePool pool,
                                         PoolMode mode, List<String> problems) {
        try (FarmRuntime running = runtime.start(devices, options, allure)) {
            progress.note(running.describe());
            FarmSchedule.Result result = FarmSchedule.run(plan, devices, running::provider, running.executor(),
                    estimates, options.schedule(), progress, options.suite().classLoader());
            writeEnvironment(pool, devices, mode, running.environment());
            telemetry = running.telemetry();
            return result;
        } catch (MissingPrerequisiteException e) {
            problems.add(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            log.error("the farm could not run", e);
            problems.add("the farm could not run: " + e);
        }
        return new FarmSchedule.Result(List.of(), List.of());
    }

    private List<DeviceSpec> selectDevices(DevicePool pool) {
        Set<String> names = options.selection().devices();
        for (String name : names) {
            if (pool.device(name).isEmpty()) {
                throw new IllegalArgumentException("--device " + name + " is not in " + pool.source() + " (devices: "
                        + pool.devices().stream().map(DeviceSpec::name).collect(Collectors.joining(", ")) + ")");
            }
        }
        List<DeviceSpec> selected = pool.devices().stream()
                .filter(d -> names.isEmpty() || names.contains(d.name()))
                .filter(d -> options.selection().platforms().isEmpty()
                        || options.selection().platforms().contains(d.platform()))
                .toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no device of " + pool.source() + " is on platform "
                    + options.selection().platforms() + (names.isEmpty() ? "" : " among " + names));
        }
        return selected;
    }

    /** The suite's scenarios; with --platform, those for other platforms only are left out, not reported. */
    List<ScenarioRef> discover() {
        FarmOptions.Selection selection = options.selection();
        List<ScenarioRef> found = new SuiteDiscovery(selection.tags(), selection.excludedTags(),
                selection.scenarioFilter()).discover(options.suite());
        if (selection.platforms().isEmpty()) {
            return found;
        }
        return found.stream().filter(s -> s.needs().platforms().isEmpty()
                || s.needs().platforms().stream().anyMatch(selection.platforms()::contains)).toList();
    }

    private static String describe(DevicePool pool, List<DeviceSpec> devices, PoolMode mode, String shard,
                                   RunPlan plan, DurationEstimates estimates) {
        long scenarios = plan.slots().stream().map(s -> s.scenario().id()).distinct().count();
        long expected = plan.slots().stream().mapToLong(s -> estimates.of(s.scenario()).toMillis()).sum();
        long known = plan.slots().stream().filter(s -> estimates.isKnown(s.scenario())).count();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%d device(s) from %s, %s%s: %d scenario(s) "
                        + "in %d slot(s), %.0f s of expected work (%d of %d slots timed before)", devices.size(),
                pool.source().getFileName(), mode.wire(), shard == null ? "" : ", shard " + shard, scenarios,
                plan.slots().size(), expected / 1000.0, known, plan.slots().size()));
        if (!plan.notRunnable().isEmpty()) {
            text.append("; ").append(plan.notRunnable().size()).append(" not runnable on this pool");
        }
        return text.toString();
    }

    private void writeNotRunnable(AllureLifecycle allure, RunPlan plan, List<ScenarioRef> scenarios) {
        Map<String, ScenarioRef> byId = scenarios.stream().collect(Collectors.toMap(ScenarioRef::id,
                Function.identity(), (a, b) -> a));
        for (NotRunnable gap : plan.notRunnable()) {
            ScenarioRef scenario = byId.get(gap.scenario());
            LaneResultsListener.writeNotRunnable(allure, scenario.uniqueId(), scenario.className(),
                    scenario.methodName(), scenario.displayName(), "needs " + gap.needs() + "; " + gap.reason());
        }
    }

    /** Passes only: how long a scenario takes when it works is what the next schedule needs. */
    private static void recordTimings(TimingStore timings, List<ScenarioRun> verdicts) {
        for (ScenarioRun verdict : verdicts) {
            for (Attempt attempt : verdict.attempts()) {
                if (attempt.outcome() == Outcome.PASSED && !attempt.infrastructure()) {
                    timings.recordPass(verdict.scenario(), Duration.ofMillis(attempt.durationMillis()));
                }
            }
        }
        try {
            timings.save();
        } catch (UncheckedIOException e) {
            log.warn("timings not saved: {}", e.getMessage());
        }
    }

    private AllureLifecycle allureLifecycle() {
        Path results = options.resultsDir();
        WorkDirs.deleteTree(results);
        try {
            Files.createDirectories(results);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + results, e);
        }
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        // Scenarios call Allure.step and Allure.addAttachment: they must land in this run's results.
        Allure.setLifecycle(lifecycle);
        return lifecycle;
    }

    /** The report's Environment widget: what this run ran on. */
    private void writeEnvironment(DevicePool pool, List<DeviceSpec> devices, PoolMode mode,
                                  Map<String, String> runtimeEnvironment) {
        Properties env = new Properties();
        env.setProperty("Device pool", pool.source().toString());
        env.setProperty("Mode", mode.wire());
        if (options.selection().shard() != null) {
            env.setProperty("Shard", options.selection().shard().toString());
        }
        env.setProperty("Devices", devices.stream().map(DeviceSpec::toString).collect(Collectors.joining("; ")));
        runtimeEnvironment.forEach(env::setProperty);
        env.setProperty("Java", System.getProperty("java.version"));
        try (OutputStream outStream = Files.newOutputStream(options.resultsDir().resolve("environment.properties"))) {
            env.store(outStream, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Generates the HTML report, as a folder and as one file that opens from disk, with the categories, the executor
     * and the previous report's history (for the trend charts); a problem to report if it could not be.
     */
    private Optional<String> generateReport(Instant started) {
        try {
            Path results = options.resultsDir();
            ReportInputs.writeCategories(results);
            ReportInputs.writeExecutor(results, REPORT_NAME, started, ciBuildUrl(),
                    options.reportDir().relativize(options.summaryPage()).toString());
            ReportInputs.carryHistory(options.reportDir(), results);
            AllureCommandline allure = AllureCommandline.locate();
            allure.generate(results, options.reportDir(), REPORT_NAME, false);
            allure.generate(results, options.singleFileReportDir(), REPORT_NAME, true);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the HTML report could not be generated: " + e.getMessage());
        }
    }

    /** The CI build's page, when the run is part of one (GitHub Actions, GitLab CI, Jenkins). */
    static String ciBuildUrl() {
        Map<String, String> env = System.getenv();
        if (env.containsKey("GITHUB_RUN_ID") && env.containsKey("GITHUB_REPOSITORY")) {
            return env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY")
                    + "/actions/runs/" + env.get("GITHUB_RUN_ID");
        }
        if (env.containsKey("CI_PIPELINE_URL")) {
            return env.get("CI_PIPELINE_URL");
        }
        return env.get("BUILD_URL");
    }

    private FarmSummary finish(Instant started, PoolMode mode, String shard, List<String> problems,
                               FarmSchedule.Result result, List<NotRunnable> notRunnable) {
        List<String> allProblems = new ArrayList<>(problems);
        List<DeviceReport> out = result.devices().stream().filter(d -> !d.state().equals(DeviceReport.OK)).toList();
        boolean notRun = result.verdicts().stream().anyMatch(v -> v.outcome() == Outcome.NOT_RUN);
        if (notRun && !out.isEmpty()) {
            allProblems.add("devices out of the run: " + out.stream().map(d -> d.device() + " (" + d.state() + ": "
                    + d.reason() + ")").collect(Collectors.joining(", ")));
        }
        boolean failed = result.verdicts().stream().anyMatch(v -> v.outcome().isFailure()
                || v.outcome() == Outcome.FLAKY && options.schedule().retries().flakyFails());
        int exit;
        if (!allProblems.isEmpty() || notRun) {
            exit = INFRASTRUCTURE;
        } else if (failed) {
            exit = SCENARIO_FAILED;
        } else {
            exit = PASSED;
        }
        FarmSummary summary = FarmSummary.of(started, Instant.now(), options.devicesFile().toString(),
                mode == null ? null : mode.wire(), shard, exit, allProblems, result.verdicts(), result.devices(),
                notRunnable).withTelemetry(telemetry);
        summary.writeJson(options.summaryFile());
        summary.writeText(options.summaryFile().resolveSibling("farm-summary.txt"));
        summary.writeHtml(options.summaryPage());
        SurefireXml.write(summary, options.junitDir());
        return summary;
    }
}
