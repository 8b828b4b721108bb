package dev.harrow.farm;

import dev.harrow.farm.schedule.AttemptResult;
import dev.harrow.reports.summary.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

/** Turns what the launcher reports about one try of a scenario into an {@link AttemptResult}. */
final class RunRecorder implements TestExecutionListener {
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final List<AttemptResult> runs = new ArrayList<>();
    private volatile String containerFailure;

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
        runs.add(new AttemptResult(outcome, millis, message));
    }

    /** The run, or a broken one when the launcher reported nothing (the scenario could not even be found). */
    synchronized AttemptResult result() {
        if (!runs.isEmpty()) {
            return runs.get(0);
        }
        String why = containerFailure != null ? "the scenario class failed before the scenario: " + containerFailure
                : "the launcher did not run the scenario (not found in the suite?)";
        return new AttemptResult(Outcome.BROKEN, 0, why);
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
