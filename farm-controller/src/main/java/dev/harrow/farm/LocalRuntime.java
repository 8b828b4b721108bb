package dev.harrow.farm;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceProviders;
import dev.harrow.device.runtime.AppiumHome;
import dev.harrow.device.runtime.AppiumServer;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.farm.schedule.ScenarioExecutor;
import dev.harrow.reports.summary.DeviceTelemetry;
import io.qameta.allure.AllureLifecycle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The farm on this host: the embedded backend and the sample app on loopback, the local Appium server when a
 * device needs it, the standard device providers, and scenarios run through the JUnit launcher.
 */
final class LocalRuntime implements FarmRuntime {
    private final FarmServices services;
    private final AppiumServer appium;
    private final DeviceProviders providers;
    private final ScenarioExecutor executor;
    private final SessionCapture capture;

    private LocalRuntime(FarmServices services, AppiumServer appium, DeviceProviders providers,
                         ScenarioExecutor executor, SessionCapture capture) {
        this.services = services;
        this.appium = appium;
        this.providers = providers;
        this.executor = executor;
        this.capture = capture;
    }

    static LocalRuntime start(List<DeviceSpec> devices, FarmOptions options, AllureLifecycle allure) {
        WorkDirs dirs = new WorkDirs(options.runtimeDir());
        FarmServices services = FarmServices.start(options.reach());
        AppiumServer appium = null;
        try {
            if (devices.stream().anyMatch(d -> d.kind() == DeviceKind.WEB_EMULATED)) {
                appium = AppiumServer.start(dirs);
            }
            DeviceProviders providers = DeviceProviders.standard(appium == null ? null : appium.url(), dirs);
            SessionCapture capture = new SessionCapture(options.sessionsDir(),
                    services.connection());
            ScenarioExecutor executor = new JUnitScenarioExecutor(services.scenarioParameters(), allure,
                    new DeviceLogForwarder(services.connection()), capture);
            return new LocalRuntime(services, appium, providers, executor, capture);
        } catch (RuntimeException | Error e) {
            if (appium != null) {
                appium.close();
            }
            services.close();
            throw e;
        }
    }

    @Override
    public Optional<DeviceProvider> provider(DeviceKind kind) {
        return providers.forKind(kind);
    }

    @Override
    public ScenarioExecutor executor() {
        return executor;
    }

    @Override
    public List<DeviceTelemetry> telemetry() {
        return capture.telemetry();
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("Backend", "embedded (in-process), MongoDB-compatible store in memory");
        if (appium != null) {
            env.put("Appium", AppiumHome.locate().version());
        }
        return env;
    }

    @Override
    public String describe() {
        return "backend on " + services.connection().baseUri() + (appium == null ? "" : ", Appium on " + appium.url());
    }

    @Override
    public void close() {
        try {
            if (appium != null) {
                appium.close();
            }
        } finally {
            services.close();
        }
    }
}
