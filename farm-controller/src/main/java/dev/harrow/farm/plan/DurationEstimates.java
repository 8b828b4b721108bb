package dev.harrow.farm.plan;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the scheduler expects each scenario to take: the 90th percentile of its recent passes (a scenario that is
 * sometimes slow is planned as slow, so it is not started last); a scenario never seen gets the mean of the known
 * ones, and with no history at all a small default. A small default matters: a large one makes every unknown
 * scenario look like the longest and wrecks the order.
 */
public final class DurationEstimates {
    public static final Duration DEFAULT = Duration.ofSeconds(10);
    static final double PERCENTILE = 0.90;

    private final Map<String, Duration> known;
    private final Duration unknown;

    private DurationEstimates(Map<String, Duration> known, Duration unknown) {
        this.known = Map.copyOf(known);
        this.unknown = unknown;
    }

    public static DurationEstimates from(TimingStore store, Collection<ScenarioRef> scenarios) {
        Map<String, Duration> known = new HashMap<>();
        for (ScenarioRef scenario : scenarios) {
            List<Duration> passes = store.recentPasses(scenario.id());
            if (!passes.isEmpty()) {
                known.put(scenario.id(), percentile(passes, PERCENTILE));
            }
        }
        OptionalDouble mean = known.values().stream().mapToLong(Duration::toMillis).average();
        return new DurationEstimates(known, mean.isPresent() ? Duration.ofMillis(Math.round(mean.getAsDouble()))
                : DEFAULT);
    }

    /** Nearest-rank percentile: a duration that was actually measured. */
    static Duration percentile(List<Duration> values, double p) {
        List<Duration> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public Duration of(ScenarioRef scenario) {
        return known.getOrDefault(scenario.id(), unknown);
    }

    public boolean isKnown(ScenarioRef scenario) {
        return known.containsKey(scenario.id());
    }

    /** What a scenario without history is expected to take. */
    public Duration forUnknown() {
        return unknown;
    }
}
