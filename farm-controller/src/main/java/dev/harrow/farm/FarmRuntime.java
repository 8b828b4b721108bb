package dev.harrow.farm;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.farm.schedule.ScenarioExecutor;
import dev.harrow.reports.summary.DeviceTelemetry;
import io.qameta.allure.AllureLifecycle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run needs around the schedule: devices to open, a way to run a scenario on one, and whatever serves them
 * (the backend, the app, an Appium server). {@link LocalRuntime} is the real one; tests of the farm start stub
 * devices and scripted scenarios instead.
 */
public interface FarmRuntime extends AutoCloseable {
    Optional<DeviceProvider> provider(DeviceKind kind);

    ScenarioExecutor executor();

    /** What the report's Environment widget says the run ran on. */
    Map<String, String> environment();

    /** The devices' telemetry verdicts, as their apps counted them at the end of each try; empty when unknown. */
    default List<DeviceTelemetry> telemetry() {
        return List.of();
    }

    /** One line for the console: where the services listen. */
    String describe();

    @Override
    void close();

    /** Starts a runtime for a run on these devices. */
    @FunctionalInterface
    interface Starter {
        FarmRuntime start(List<DeviceSpec> devices, FarmOptions options, AllureLifecycle allure);
    }
}
