package dev.harrow.farm;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.junit.DeviceExtension;
import dev.harrow.device.junit.DeviceLeases;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.farm.plan.Slot;
import dev.harrow.farm.schedule.AttemptResult;
import dev.harrow.farm.schedule.ScenarioExecutor;
import dev.harrow.reports.allure.LaneResultsListener;
import dev.harrow.reports.allure.RunAttempt;
import dev.harrow.reports.allure.RunLane;
import io.qameta.allure.AllureLifecycle;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one try of a scenario through the JUnit Platform Launcher, with the leased device handed to it through the
 * lease registry ({@link DeviceExtension}), and writes its Allure result on the device's lane.
 */
final class JUnitScenarioExecutor implements ScenarioExecutor {
    private final Map<String, String> parameters;
    private final AllureLifecycle allure;
    private final DeviceLogForwarder logForwarder;

    private final SessionCapture capture;

    JUnitScenarioExecutor(Map<String, String> parameters, AllureLifecycle allure, DeviceLogForwarder logForwarder,
                          SessionCapture capture) {
        this.parameters = Map.copyOf(parameters);
        this.allure = allure;
        this.logForwarder = logForwarder;
        this.capture = capture;
    }

    @Override
    public AttemptResult execute(Slot slot, DeviceSpec device, DeviceSession session, RunAttempt attempt) {
        String lease = DeviceLeases.register(session);
        DeviceEvidence evidence = new DeviceEvidence(device, session, logForwarder);
        RunLane lane = new RunLane(device.name(), device.platform().wire(), device.kind().wire(), device.profile(),
                evidence);
        Instant started = Instant.now();
        AttemptResult result = null;
        try {
            Map<String, String> config = new HashMap<>(parameters);
            config.put(DeviceExtension.LEASE_PARAMETER, lease);
            RunRecorder recorder = new RunRecorder();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectUniqueId(slot.scenario().uniqueId()))
                    .configurationParameters(config)
                    .build(), new LaneResultsListener(allure, lane, attempt), recorder);
            result = recorder.result();
            return result;
        } finally {
            DeviceLeases.release(lease);
            capture.write(slot, device, session, attempt, started, result, evidence);
        }
    }
}
