package dev.harrow.device.agent;

import java.time.Duration;

/**
 * How patient an agent is with its device.
 *
 * @param openAttempts session creations tried in a row before the device counts as unavailable
 * @param retryPause the pause between two attempts
 * @param quarantineAfter consecutive infrastructure failures (failed sessions, failed health checks, failed
 *        resets) after which the device gets no more work in this run
 * @param healthCheckFreshness a session that answered (a reset, a new session) this recently needs no separate
 *        health check before its next lease: the reset was one
 */
public record AgentPolicy(int openAttempts, Duration retryPause, int quarantineAfter, Duration healthCheckFreshness) {
    public AgentPolicy {
        if (openAttempts < 1 || quarantineAfter < 1) {
            throw new IllegalArgumentException("openAttempts and quarantineAfter must be at least 1");
        }
        if (retryPause.isNegative() || healthCheckFreshness.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    public AgentPolicy(int openAttempts, Duration retryPause, int quarantineAfter) {
        this(openAttempts, retryPause, quarantineAfter, Duration.ofSeconds(2));
    }

    /**
     * Three attempts two seconds apart; quarantine after three infrastructure failures in a row; no health check
     * within two seconds of a reset.
     */
    public static AgentPolicy defaults() {
        return new AgentPolicy(3, Duration.ofSeconds(2), 3, Duration.ofSeconds(2));
    }
}
