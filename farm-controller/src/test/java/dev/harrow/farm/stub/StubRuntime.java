package dev.harrow.farm.stub;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.stub.StubDeviceProvider;
import dev.harrow.farm.FarmRuntime;
import dev.harrow.farm.schedule.ScenarioExecutor;
import java.util.Map;
import java.util.Optional;

/** A farm runtime of stub devices (of every kind) and scripted scenarios: no backend, no Appium, no browser. */
public final class StubRuntime implements FarmRuntime {
    private final StubDeviceProvider provider;
    private final ScriptedScenarios scenarios;
    private volatile boolean closed;

    public StubRuntime(StubDeviceProvider provider, ScriptedScenarios scenarios) {
        this.provider = provider;
        this.scenarios = scenarios;
    }

    @Override
    public Optional<DeviceProvider> provider(DeviceKind kind) {
        return Optional.of(provider);
    }

    @Override
    public ScenarioExecutor executor() {
        return scenarios;
    }

    @Override
    public Map<String, String> environment() {
        return Map.of("Devices", "stub");
    }

    @Override
    public String describe() {
        return "stub devices, scripted scenarios";
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }
}
