package dev.harrow.farm;

import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

/** Turns what the launcher reports about one scenario execution into a {@link ScenarioRun}. */
final class RunRecorder implements TestExecutionListener {
    private final ScenarioRef scenario;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final List<ScenarioRun> runs = new ArrayList<>();
    private volatile String containerFailure;

    RunRecorder(ScenarioRef scenario) {
        this.scenario = scenario;
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
            started.put(test.getUniqueId(), System.nanoTime());
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            // A failure above the test (a class-level setup) means the scenario never started.
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                containerFailure = message(result);
            }
            return;
        }
        Long start = started.remove(test.getUniqueId());
        long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
        Outcome outcome = switch (result.getStatus()) {
            case SUCCESSFUL -> Outcome.PASSED;
            case ABORTED -> Outcome.SKIPPED;
            case FAILED -> result.getThrowable().filter(t -> t instanceof AssertionError).isPresent()
                    ? Outcome.FAILED : Outcome.BROKEN;
        };
        record(outcome, millis, message(result));
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        // A skipped container (a disabled class) skips its scenario too.
        record(Outcome.SKIPPED, 0, reason);
    }

    private synchronized void record(Outcome outcome, long millis, String message) {
        runs.add(new ScenarioRun(scenario.id(), scenario.displayName(), outcome, millis, message));
    }

    /** The run, or a broken one when the launcher reported nothing (the scenario could not even be found). */
    synchronized ScenarioRun result() {
        if (!runs.isEmpty()) {
            return runs.get(0);
        }
        String why = containerFailure != null ? "the scenario class failed before the scenario: " + containerFailure
                : "the launcher did not run the scenario (not found in the suite?)";
        return new ScenarioRun(scenario.id(), scenario.displayName(), Outcome.BROKEN, 0, why);
    }

    private static String message(TestExecutionResult result) {
        return result.getThrowable().map(t -> {
            if (t instanceof TestAbortedException) {
                return t.getMessage();
            }
            String text = t.getMessage() == null ? "" : ": " + t.getMessage().strip();
            return t.getClass().getSimpleName() + text;
        }).orElse(null);
    }
}
