package dev.harrow.farm.stub;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.agent.AgentPolicy;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.config.PoolMode;
import dev.harrow.device.stub.StubDeviceProvider;
import dev.harrow.farm.plan.DurationEstimates;
import dev.harrow.farm.plan.RunPlan;
import dev.harrow.farm.plan.ScenarioRef;
import dev.harrow.farm.plan.TimingStore;
import dev.harrow.farm.schedule.FarmSchedule;
import dev.harrow.farm.schedule.RetryPolicy;
import dev.harrow.farm.schedule.RunProgress;
import dev.harrow.farm.schedule.ScenarioLimits;
import dev.harrow.farm.schedule.SlotClaims;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A pool of stub devices and a suite of scripted scenarios, run through the real schedule. */
public final class StubPool {
    /** Agents that give up at once and quarantine after two failures in a row: tests should not wait. */
    public static final AgentPolicy IMPATIENT = new AgentPolicy(1, Duration.ZERO, 2, Duration.ZERO);
    public static final ScenarioLimits GENEROUS = new ScenarioLimits(Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(2));

    public final StubDeviceProvider provider = new StubDeviceProvider(DeviceKind.WEB_EMULATED);
    public final ScriptedScenarios scenarios = new ScriptedScenarios();
    public final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private RunProgress.Style progressStyle = RunProgress.Style.PLAIN;
    private Duration statusEvery = Duration.ofSeconds(5);
    private final List<DeviceSpec> devices = new ArrayList<>();

    public static DeviceSpec device(String name, Platform platform) {
        return new DeviceSpec(name, platform, DeviceKind.WEB_EMULATED, platform == Platform.IOS ? "iPhone SE"
                : "Pixel 7", null, null, Set.of(), Map.of());
    }

    public StubPool devices(String... names) {
        for (String name : names) {
            devices.add(device(name, name.startsWith("iphone") ? Platform.IOS : Platform.ANDROID));
        }
        return this;
    }

    /** How the run's progress is shown on {@link #console}. */
    public StubPool progress(RunProgress.Style style, Duration statusEvery) {
        this.progressStyle = style;
        this.statusEvery = statusEvery;
        return this;
    }

    public List<DeviceSpec> devices() {
        return List.copyOf(devices);
    }

    /** Scenarios {@code shop.Suite#name}, needing nothing in particular. */
    public static List<ScenarioRef> suite(String... names) {
        return List.of(names).stream().map(n -> ScenarioRef.of("shop.Suite", n)).toList();
    }

    public static String id(String name) {
        return "shop.Suite#" + name;
    }

    public FarmSchedule.Result run(List<ScenarioRef> suite, PoolMode mode, RetryPolicy retries,
                                   ScenarioLimits limits) {
        return run(RunPlan.of(suite, devices, mode), TimingStore.inMemory(), retries, limits);
    }

    public FarmSchedule.Result run(RunPlan plan, TimingStore timings, RetryPolicy retries, ScenarioLimits limits) {
        return run(plan, timings, retries, limits, SlotClaims.everything());
    }

    /** The same, giving verdicts only for the slots {@code claims} grants (a shard in queue mode). */
    public FarmSchedule.Result run(RunPlan plan, TimingStore timings, RetryPolicy retries, ScenarioLimits limits,
                                   SlotClaims claims) {
        List<ScenarioRef> all = plan.slots().stream().map(s -> s.scenario()).distinct().toList();
        try (RunProgress progress = new RunProgress(new PrintStream(console, true, StandardCharsets.UTF_8),
                progressStyle, statusEvery)) {
            return FarmSchedule.run(plan, devices, kind -> Optional.of(provider), scenarios,
                    DurationEstimates.from(timings, all), new FarmSchedule.Settings(retries, limits, IMPATIENT),
                    progress, getClass().getClassLoader(), claims);
        }
    }

    public String console() {
        return console.toString(StandardCharsets.UTF_8);
    }
}
