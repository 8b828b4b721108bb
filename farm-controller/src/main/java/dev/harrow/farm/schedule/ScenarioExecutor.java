package dev.harrow.farm.schedule;

import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.farm.plan.Slot;
import dev.harrow.reports.allure.RunAttempt;

/**
 * Runs one try of a scenario on a leased device, on the calling thread, and says how it ended. The farm runs
 * JUnit scenarios through the launcher; tests of the scheduler play scripted scenarios on stub devices.
 */
public interface ScenarioExecutor {
    AttemptResult execute(Slot slot, DeviceSpec device, DeviceSession session, RunAttempt attempt);
}
