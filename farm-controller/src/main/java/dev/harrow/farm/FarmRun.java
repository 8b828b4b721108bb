package dev.harrow.farm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DevicePool;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.DevicesFile;
import dev.harrow.device.config.DevicesFileException;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceProviders;
import dev.harrow.device.runtime.AppiumHome;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.MissingPrerequisiteException;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.reports.allure.AllureCommandline;
import dev.harrow.reports.summary.DeviceRuns;
import dev.harrow.reports.summary.FarmSummary;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * One run of the farm: every selected scenario on every selected device of the pool, devices in parallel. Writes
 * Allure results, {@code farm-summary.json} and the HTML report; returns the summary, whose exit code is 0 when
 * every run passed, 1 when a scenario failed, 2 on a configuration or infrastructure error.
 */
public final class FarmRun {
    public static final int PASSED = 0;
    public static final int SCENARIO_FAILED = 1;
    public static final int INFRASTRUCTURE = 2;

    private final FarmOptions options;
    private final PrintStream out;

    public FarmRun(FarmOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public FarmSummary run() {
        Instant started = Instant.now();
        List<String> problems = new ArrayList<>();
        DevicePool pool;
        List<DeviceSpec> devices;
        List<ScenarioRef> scenarios;
        try {
            pool = DevicesFile.load(options.devicesFile());
            devices = selectDevices(pool);
            scenarios = discover();
        } catch (DevicesFileException | IllegalArgumentException e) {
            return finish(started, List.of(e.getMessage()), List.of());
        }
        if (scenarios.isEmpty()) {
            return finish(started, List.of("no scenario in " + options.suite().roots() + " matches tags "
                    + options.tags() + " and --scenario " + options.scenarioFilter()), List.of());
        }

        Progress progress = new Progress(out, devices.size() * scenarios.size());
        progress.note(devices.size() + " device(s) from " + pool.source() + ", " + scenarios.size()
                + " scenario(s): " + scenarios.stream().map(ScenarioRef::shortName).collect(Collectors.joining(", ")));
        AllureLifecycle allure = allureLifecycle();
        List<DeviceRuns> results = new ArrayList<>();
        WorkDirs dirs = new WorkDirs(options.runtimeDir());
        try (FarmServices services = FarmServices.start();
             RunningAppium appium = RunningAppium.startIfNeeded(devices, dirs)) {
            progress.note("backend on " + services.connection().baseUri() + appium.describe());
            DeviceProviders providers = DeviceProviders.standard(appium.server().map(AppiumServer::url).orElse(null),
                    dirs);
            results.addAll(runDevices(devices, scenarios, providers, services.scenarioParameters(), allure, progress,
                    new DeviceLogForwarder(services.connection())));
            writeEnvironment(pool, devices, appium);
        } catch (MissingPrerequisiteException e) {
            problems.add(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            problems.add("the farm could not run: " + e);
        }

        generateReport().ifPresent(problems::add);
        return finish(started, problems, results);
    }

    private List<DeviceRuns> runDevices(List<DeviceSpec> devices, List<ScenarioRef> scenarios,
                                        DeviceProviders providers, Map<String, String> parameters,
                                        AllureLifecycle allure, Progress progress, DeviceLogForwarder logs) {
        ExecutorService pool = Executors.newFixedThreadPool(devices.size());
        try {
            List<Future<DeviceRuns>> futures = new ArrayList<>();
            for (DeviceSpec spec : devices) {
                DeviceProvider provider = providers.forKind(spec.kind()).orElse(null);
                if (provider == null) {
                    String why = "no provider for kind " + spec.kind().wire() + " on this host (docs/DEVICES.md)";
                    progress.note(spec.name() + " is unavailable: " + why);
                    futures.add(CompletableFuture.completedFuture(new DeviceRuns(spec.name(),
                            spec.platform().wire(), spec.kind().wire(), spec.profile(), why, scenarios.stream()
                            .map(s -> new ScenarioRun(s.id(), s.displayName(), Outcome.NOT_RUN, 0, why)).toList())));
                    continue;
                }
                futures.add(pool.submit(new DeviceWorker(spec, provider, scenarios, options.suite(), parameters,
                        allure, progress, logs)));
            }
            List<DeviceRuns> results = new ArrayList<>();
            for (Future<DeviceRuns> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a device worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<DeviceSpec> selectDevices(DevicePool pool) {
        if (options.deviceFilter().isEmpty()) {
            return pool.devices();
        }
        for (String name : options.deviceFilter()) {
            if (pool.device(name).isEmpty()) {
                throw new IllegalArgumentException("--device " + name + " is not in " + pool.source() + " (devices: "
                        + pool.devices().stream().map(DeviceSpec::name).collect(Collectors.joining(", ")) + ")");
            }
        }
        return pool.devices().stream().filter(d -> options.deviceFilter().contains(d.name())).toList();
    }

    /** The suite's scenarios: Jupiter tests under its roots carrying one of the tags, matching the filter. */
    List<ScenarioRef> discover() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(options.suite().classLoader());
        try {
            TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClasspathRoots(Set.copyOf(options.suite().roots())))
                    .filters(EngineFilter.includeEngines("junit-jupiter"),
                            TagFilter.includeTags(List.copyOf(options.tags())),
                            ClassNameFilter.includeClassNamePatterns(".*"))
                    .build());
            List<ScenarioRef> found = new ArrayList<>();
            for (TestIdentifier root : plan.getRoots()) {
                collect(plan, root, found);
            }
            return found.stream().filter(this::selected).toList();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void collect(TestPlan plan, TestIdentifier node, List<ScenarioRef> found) {
        if (node.isTest()) {
            node.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast).ifPresent(m ->
                    found.add(new ScenarioRef(node.getUniqueId(), m.getClassName(), m.getMethodName(),
                            node.getDisplayName())));
        }
        for (TestIdentifier child : plan.getChildren(node)) {
            collect(plan, child, found);
        }
    }

    private boolean selected(ScenarioRef scenario) {
        String simple = scenario.className().substring(scenario.className().lastIndexOf('.') + 1);
        return options.scenarioFilter().matcher(scenario.id()).find()
                || options.scenarioFilter().matcher(simple).matches();
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
    private void writeEnvironment(DevicePool pool, List<DeviceSpec> devices, RunningAppium appium) {
        Properties env = new Properties();
        env.setProperty("Device pool", pool.source().toString());
        env.setProperty("Devices", devices.stream().map(DeviceSpec::toString).collect(Collectors.joining("; ")));
        env.setProperty("Backend", "embedded (in-process), MongoDB-compatible store in memory");
        appium.server().ifPresent(s -> env.setProperty("Appium", AppiumHome.locate().version()));
        env.setProperty("Java", System.getProperty("java.version"));
        try (OutputStream outStream = Files.newOutputStream(options.resultsDir().resolve("environment.properties"))) {
            env.store(outStream, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Generates the HTML report; a problem to report if it could not be. */
    private Optional<String> generateReport() {
        try {
            AllureCommandline.locate().generate(options.resultsDir(), options.reportDir(), "Harrow farm", false);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the HTML report could not be generated: " + e.getMessage());
        }
    }

    private FarmSummary finish(Instant started, List<String> problems, List<DeviceRuns> devices) {
        int exit;
        boolean notRun = devices.stream().anyMatch(d -> d.count(Outcome.NOT_RUN) > 0);
        boolean failed = devices.stream().anyMatch(d -> d.count(Outcome.FAILED) + d.count(Outcome.BROKEN) > 0);
        if (!problems.isEmpty() || devices.isEmpty() || notRun) {
            exit = INFRASTRUCTURE;
        } else if (failed) {
            exit = SCENARIO_FAILED;
        } else {
            exit = PASSED;
        }
        FarmSummary summary = FarmSummary.of(started, Instant.now(), options.devicesFile().toString(), exit, problems,
                devices);
        summary.writeJson(options.summaryFile());
        return summary;
    }

    /** The local Appium server when some device needs it; nothing otherwise. */
    private static final class RunningAppium implements AutoCloseable {
        private final AppiumServer server;

        private RunningAppium(AppiumServer server) {
            this.server = server;
        }

        static RunningAppium startIfNeeded(List<DeviceSpec> devices, WorkDirs dirs) {
            boolean needed = devices.stream().anyMatch(d -> d.kind() == DeviceKind.WEB_EMULATED);
            return new RunningAppium(needed ? AppiumServer.start(dirs) : null);
        }

        Optional<AppiumServer> server() {
            return Optional.ofNullable(server);
        }

        String describe() {
            return server == null ? "" : ", Appium on " + server.url();
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
