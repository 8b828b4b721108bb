package dev.harrow.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A scenario runs on its own, as from an IDE: with no farm around it, it starts the first device of devices.yml
 * and an embedded backend itself.
 */
@DisabledIfSystemProperty(named = "harrow.skipBrowserTests", matches = "true")
class ScenariosRunAloneTest {

    @Test
    void aScenarioRunsAloneOnTheFirstDeviceOfThePool() {
        TestExecutionSummary summary = runAlone("dev.harrow.scenarios.telemetry.ShoppingJourneyScenario");

        summary.getFailures().forEach(f -> f.getException().printStackTrace());
        assertThat(summary.getTestsFoundCount()).isEqualTo(1);
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    /** Runs scenario classes in this JVM, one after the other, as an IDE would. */
    static TestExecutionSummary runAlone(String... scenarioClasses) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(scenarioClasses).map(c -> selectClass(c)).toList()).build(), listener);
        return listener.getSummary();
    }
}
