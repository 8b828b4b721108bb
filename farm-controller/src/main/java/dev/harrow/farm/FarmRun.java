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
import dev.harrow.farm.plan.PinnedTimings;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.ScenarioRef;
import dev.harrow.farm.plan.Shard;
import dev.harrow.farm.plan.ShardPlanning;
import dev.harrow.farm.plan.SuiteDiscovery;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RedisSlotClaims;
import dev.harrow.farm.schedule.SlotClaims;
import dev.harrow.farm.schedule.RunProgress;
import dev.harrow.reports.allure.LaneResultsListener;
import dev.harrow.reports.junit.SurefireXml;
import dev.harrow.reports.summary.DeviceTelemetry;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.FarmSummary;
import dev.harrow.reports.summary.NotRunnable;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import dev.harrow.reports.summary.ShardPlan;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

        Shard part = options.selection().shard();
        FileTimingStore timings = part == null ? FileTimingStore.open(options.timingsFile())
                : PinnedTimings.open(options.timingsFile(), options.pipeline().id());
        DurationEstimates estimates = DurationEstimates.from(timings, scenarios);
        RunPlan whole = RunPlan.of(scenarios, devices, mode);
        RunPlan plan = whole;
        ShardPlan shardPlan = null;
        if (part != null) {
            plan = ShardPlanning.part(whole, part, scenarios, estimates, options.pipeline().queue() != null);
            shardPlan = ShardPlanning.record(options.pipeline(), part, whole, plan, scenarios, devices, mode,
                    timings.digest());
        }
        AllureLifecycle allure = allureLifecycle();
        writeNotRunnable(allure, plan, scenarios);

        List<String> problems = new ArrayList<>();
        FarmSchedule.Result result = new FarmSchedule.Result(List.of(), List.of());
        try (RunProgress progress = new RunProgress(out, options.progress());
             ClaimsHandle claims = claims(shardPlan)) {
            progress.note(describe(pool, devices, mode, shard, plan, estimates));
            if (shardPlan != null) {
                progress.note(ShardPlanning.describe(shardPlan, options.pipeline().queue() != null));
            }
            if (!plan.slots().isEmpty()) {
                result = schedule(plan, devices, estimates, allure, progress, pool, mode, problems, claims.claims());
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (part == null) {
            recordTimings(timings, result.verdicts());
        }
        generateReport(started).ifPresent(problems::add);
        if (shardPlan != null && options.pipeline().queue() != null) {
            shardPlan = shardPlan.withPart(ShardPlanning.claimed(result.verdicts(), plan.notRunnable()));
        }
        return finish(started, mode, shard, problems, result, plan.notRunnable(), shardPlan);
    }

    /** The shard queue's claims, closed with the run; every slot of the plan when there is no queue. */
    private record ClaimsHandle(SlotClaims claims, AutoCloseable connection) implements AutoCloseable {
        @Override
        public void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (Exception e) {
                log.warn("closing the shard queue: {}", e.toString());
            }
        }
    }

    private ClaimsHandle claims(ShardPlan shardPlan) {
        if (shardPlan == null || options.pipeline().queue() == null) {
            return new ClaimsHandle(SlotClaims.everything(), null);
        }
        RedisSlotClaims redis = RedisSlotClaims.connect(options.pipeline().queue().toString(), shardPlan.pipeline(),
                shardPlan.fingerprint(), shardPlan.shard());
        return new ClaimsHandle(redis, redis);
    }

    private FarmSchedule.Result schedule(RunPlan plan, List<DeviceSpec> devices, DurationEstimates estimates,
                                         AllureLifecycle allure, RunProgress progress, DevicePool pool,
                                         PoolMode mode, List<String> problems, SlotClaims claims) {
        try (FarmRuntime running = runtime.start(devices, options, allure)) {
            progress.note(running.describe());
            FarmSchedule.Result result = FarmSchedule.run(plan, devices, running::provider, running.executor(),
                    estimates, options.schedule(), progress, options.suite().classLoader(), claims);
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

    /** Saves the passing durations for the next run's schedule. */
    private static void recordTimings(TimingStore timings, List<ScenarioRun> verdicts) {
        TimingStore.recordPasses(timings, verdicts);
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

    private Optional<String> generateReport(Instant started) {
        return FarmReport.generate(options.resultsDir(), options.runReportDir(), options.summaryPage(), started);
    }

    private FarmSummary finish(Instant started, PoolMode mode, String shard, List<String> problems,
                               FarmSchedule.Result result, List<NotRunnable> notRunnable) {
        return finish(started, mode, shard, problems, result, notRunnable, null);
    }

    private FarmSummary finish(Instant started, PoolMode mode, String shard, List<String> problems,
                               FarmSchedule.Result result, List<NotRunnable> notRunnable, ShardPlan plan) {
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
                notRunnable).withTelemetry(telemetry).withPlan(plan);
        summary.writeJson(options.summaryFile());
        summary.writeText(options.summaryFile().resolveSibling("farm-summary.txt"));
        summary.writeHtml(options.summaryPage());
        SurefireXml.write(summary, options.junitDir());
        return summary;
    }
}
