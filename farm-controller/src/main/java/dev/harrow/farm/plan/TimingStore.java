package dev.harrow.farm.plan;

import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.Outcome;
import dev.harrow.reports.summary.ScenarioRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long scenarios took when they passed, kept between runs: what the scheduler's expected durations come from.
 * Only passes count: a failure's duration says when it failed, not how long the scenario takes.
 */
public interface TimingStore {
    /** How many recent passes are kept per scenario. */
    int KEPT = 10;

    /** The scenario's recent passing durations, oldest first; empty when it never passed here. */
    List<Duration> recentPasses(String scenarioId);

    void recordPass(String scenarioId, Duration took);

    /** Makes what was recorded last for the next run (a no-op for a store that keeps nothing). */
    void save();

    /** A store that forgets everything when the run ends: for tests and one-off runs. */
    static TimingStore inMemory() {
        return new TimingStore() {
            private final Map<String, List<Duration>> passes = new ConcurrentHashMap<>();

            @Override
            public List<Duration> recentPasses(String scenarioId) {
                return List.copyOf(passes.getOrDefault(scenarioId, List.of()));
            }

            @Override
            public void recordPass(String scenarioId, Duration took) {
                passes.compute(scenarioId, (id, old) -> keepRecent(old, took));
            }

            @Override
            public void save() {
            }
        };
    }

    /**
     * Records the passing tries of a run's verdicts (a pass lost to the infrastructure does not count); returns how
     * many. Passes only: how long a scenario takes when it works is what the next schedule needs.
     */
    static int recordPasses(TimingStore store, List<ScenarioRun> verdicts) {
        int recorded = 0;
        for (ScenarioRun verdict : verdicts) {
            for (Attempt attempt : verdict.attempts()) {
                if (attempt.outcome() == Outcome.PASSED && !attempt.infrastructure()) {
                    store.recordPass(verdict.scenario(), Duration.ofMillis(attempt.durationMillis()));
                    recorded++;
                }
            }
        }
        return recorded;
    }

    /** {@code old} plus {@code took}, dropping the oldest beyond {@link #KEPT}. */
    static List<Duration> keepRecent(List<Duration> old, Duration took) {
        List<Duration> next = new ArrayList<>(old == null ? List.of() : old);
        next.add(took);
        return List.copyOf(next.subList(Math.max(0, next.size() - KEPT), next.size()));
    }
}
