package dev.harrow.farm.schedule;

/**
 * How much a run retries.
 *
 * @param perScenario retries of one scenario after it failed (a retry goes to another device when there is one)
 * @param budget retries of failed scenarios in the whole run: a broken build does not rerun every scenario
 * @param infrastructure times one scenario goes back to the queue after its device was lost under it; kept apart
 *        from the retries, since it says nothing about the scenario, but finite, so a scenario that kills every
 *        device it touches ends
 * @param flakyFails whether a scenario that passed only on a retry fails the run
 */
public record RetryPolicy(int perScenario, int budget, int infrastructure, boolean flakyFails) {
    public RetryPolicy {
        if (perScenario < 0 || budget < 0 || infrastructure < 0) {
            throw new IllegalArgumentException("retry counts must not be negative");
        }
    }

    /** One retry per scenario, twenty in the run, three requeues after lost devices; flaky passes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(1, 20, 3, false);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(0, 0, 0, false);
    }
}
