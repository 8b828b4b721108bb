package dev.harrow.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.scenarios.support.Breakage;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Each scenario fails when the property it checks is broken on purpose ({@link Breakage}), and passes when it is
 * not: a scenario that cannot fail proves nothing. Runs the scenario alone (first device of devices.yml, embedded
 * backend), as {@link ScenariosRunAloneTest} does.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class ScenariosCatchBreakageTest {

    @Test
    void offlineRetryFailsWhenTheSdkLosesItsQueueOnRestart() {
        String scenario = "dev.harrow.scenarios.delivery.OfflineRetryScenario";
        assertThat(run(scenario, null).getTestsSucceededCount()).as("intact").isEqualTo(1);

        TestExecutionSummary broken = run(scenario, Breakage.SDK_PERSISTENCE);
        assertThat(broken.getTestsFailedCount()).as("with the SDK's queue in memory").isEqualTo(1);
        assertThat(broken.getFailures().get(0).getException()).hasMessageContaining("screens seen");
    }

    private static TestExecutionSummary run(String scenarioClass, Breakage breakage) {
        if (breakage != null) {
            System.setProperty(Breakage.PROPERTY, breakage.switchName());
        }
        try {
            TestExecutionSummary summary = ScenariosRunAloneTest.runAlone(scenarioClass);
            StringWriter report = new StringWriter();
            summary.printFailuresTo(new PrintWriter(report), 8);
            System.out.println((breakage == null ? "intact" : "broken " + breakage.switchName()) + ": "
                    + summary.getTestsSucceededCount() + " passed, " + summary.getTestsFailedCount() + " failed\n"
                    + report);
            return summary;
        } finally {
            System.clearProperty(Breakage.PROPERTY);
        }
    }
}
