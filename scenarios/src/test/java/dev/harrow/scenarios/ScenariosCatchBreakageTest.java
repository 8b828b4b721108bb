package dev.harrow.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.scenarios.shop.Breakage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Each scenario passes when the system is intact, and fails, with the reason, when the property it checks is broken
 * on purpose ({@link Breakage}): a scenario that cannot fail proves nothing. Runs scenarios alone (first device of
 * devices.yml, embedded backend), as {@link ScenariosRunAloneTest} does.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class ScenariosCatchBreakageTest {
    static final String PACKAGE = "dev.harrow.scenarios.";
    static final List<String> SCENARIOS = List.of("delivery.OfflineRetryScenario", "delivery.HostileNetworkScenario",
            "delivery.RedisFallbackScenario", "delivery.BothStoresDownScenario", "push.PushDeliveryScenario",
            "push.LocalTimePushScenario", "push.DeadTokenScenario", "telemetry.AnalyticsJourneyScenario",
            "telemetry.LogCaptureScenario");

    @Test
    void everyScenarioPassesOnTheIntactSystem() {
        TestExecutionSummary intact = run(null, SCENARIOS.stream().map(s -> PACKAGE + s).toArray(String[]::new));
        assertThat(intact.getTestsFoundCount()).isEqualTo(SCENARIOS.size());
        assertThat(intact.getTestsSucceededCount()).as("scenarios passed").isEqualTo(SCENARIOS.size());
    }

    @ParameterizedTest(name = "{0} fails with {1} broken")
    @CsvSource({
        "delivery.OfflineRetryScenario,   sdk-persistence, screens seen",
        "delivery.HostileNetworkScenario, sdk-retry,       every event the app created, stored",
        "delivery.RedisFallbackScenario,  redis-fallback,  acknowledged while MongoDB is down",
        "delivery.BothStoresDownScenario, sdk-retry,       events kept in the app",
        "push.PushDeliveryScenario,       push-receipts,   the app reported the push delivered",
        "push.LocalTimePushScenario,      sdk-time-zone,   09:00 local",
        "telemetry.AnalyticsJourneyScenario, sdk-sessions, sessions",
        "telemetry.LogCaptureScenario,    error-capture,   the app's error in the log store"})
    void aScenarioFailsWhenItsPropertyIsBroken(String scenario, String breakage, String reason) {
        TestExecutionSummary broken = run(breakage, PACKAGE + scenario);
        assertThat(broken.getTestsFailedCount()).as("failed with " + breakage + " broken").isEqualTo(1);
        assertThat(broken.getFailures().get(0).getException()).hasMessageContaining(reason);
    }

    private static TestExecutionSummary run(String breakage, String... scenarioClasses) {
        if (breakage != null) {
            System.setProperty(Breakage.PROPERTY, breakage);
        }
        try {
            TestExecutionSummary summary = ScenariosRunAloneTest.runAlone(scenarioClasses);
            StringWriter report = new StringWriter();
            summary.printFailuresTo(new PrintWriter(report), 8);
            System.out.println((breakage == null ? "intact" : "broken " + breakage) + ": "
                    + summary.getTestsSucceededCount() + " passed, " + summary.getTestsFailedCount() + " failed\n"
                    + report);
            return summary;
        } finally {
            System.clearProperty(Breakage.PROPERTY);
        }
    }
}
