package dev.harrow.farm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import dev.harrow.device.agent.DeviceAgent;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.junit.DeviceExtension;
import dev.harrow.device.junit.DeviceLeases;
import dev.harrow.device.provider.DeviceProvider;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.reports.allure.LaneResultsListener;
import dev.harrow.reports.allure.RunLane;
import dev.harrow.reports.summary.DeviceRuns;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import io.qameta.allure.AllureLifecycle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the scenarios of one device, one at a time, in its own thread: provisions the device, leases it to each
 * scenario through the JUnit launcher, and closes it at the end. A device that cannot be provisioned, or that
 * stops answering, leaves its remaining scenarios "not run" rather than failed: that is infrastructure, not a
 * verdict on the app.
 */
final class DeviceWorker implements Callable<DeviceRuns> {
    private final DeviceSpec spec;
    private final DeviceProvider provider;
    private final List<ScenarioRef> scenarios;
    private final ScenarioSuite suite;
    private final Map<String, String> parameters;
    private final AllureLifecycle allure;
    private final Progress progress;
    private final DeviceLogForwarder logForwarder;

    DeviceWorker(DeviceSpec spec, DeviceProvider provider, List<ScenarioRef> scenarios, ScenarioSuite suite,
                 Map<String, String> parameters, AllureLifecycle allure, Progress progress,
                 DeviceLogForwarder logForwarder) {
        this.spec = spec;
        this.provider = provider;
        this.scenarios = scenarios;
        this.suite = suite;
        this.parameters = parameters;
        this.allure = allure;
        this.progress = progress;
        this.logForwarder = logForwarder;
    }

    @Override
    public DeviceRuns call() {
        Thread.currentThread().setContextClassLoader(suite.classLoader());
        Thread.currentThread().setName("device-" + spec.name());
        List<ScenarioRun> runs = new ArrayList<>();
        try (DeviceAgent agent = new DeviceAgent(spec, provider)) {
            try {
                agent.provision();
            } catch (DeviceUnavailableException e) {
                String why = e.getMessage();
                progress.note(spec.name() + " is unavailable: " + why);
                scenarios.forEach(s -> runs.add(notRun(s, why)));
                return devices(why, runs);
            }
            progress.note(spec.name() + " ready (" + spec.profile() + ")");
            Launcher launcher = LauncherFactory.create();
            for (ScenarioRef scenario : scenarios) {
                DeviceSession leased;
                try {
                    leased = agent.lease();
                } catch (DeviceUnavailableException e) {
                    runs.add(notRun(scenario, e.getMessage()));
                    continue;
                }
                ScenarioRun run = runOne(launcher, agent, leased, scenario);
                runs.add(run);
                progress.finished(spec.name(), run);
            }
            String quarantined = agent.quarantineReason();
            if (quarantined != null) {
                progress.note(spec.name() + " is quarantined: " + quarantined);
            }
            return devices(quarantined == null ? null : "quarantined: " + quarantined, runs);
        }
    }

    private ScenarioRun runOne(Launcher launcher, DeviceAgent agent, DeviceSession leased, ScenarioRef scenario) {
        String lease = DeviceLeases.register(leased);
        RunLane lane = new RunLane(spec.name(), spec.platform().wire(), spec.kind().wire(), spec.profile(),
                new DeviceEvidence(spec, leased, logForwarder));
        try {
            Map<String, String> config = new HashMap<>(parameters);
            config.put(DeviceExtension.LEASE_PARAMETER, lease);
            RunRecorder recorder = new RunRecorder(scenario);
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectUniqueId(scenario.uniqueId()))
                    .configurationParameters(config)
                    .build(), new LaneResultsListener(allure, lane), recorder);
            return recorder.result();
        } finally {
            DeviceLeases.release(lease);
            agent.release();
        }
    }

    private static ScenarioRun notRun(ScenarioRef scenario, String why) {
        return new ScenarioRun(scenario.id(), scenario.displayName(), Outcome.NOT_RUN, 0, why);
    }

    private DeviceRuns devices(String unavailable, List<ScenarioRun> runs) {
        return new DeviceRuns(spec.name(), spec.platform().wire(), spec.kind().wire(), spec.profile(), unavailable,
                runs);
    }
}
