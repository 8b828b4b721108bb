package dev.harrow.device.agent;

import java.time.Duration;

/**
 * How patient an agent is with its device.
 *
 * @param openAttempts session creations tried in a row before the device counts as unavailable
 * @param retryPause the pause between two attempts
 * @param quarantineAfter consecutive infrastructure failures (failed sessions, failed health checks, failed
 *        resets) after which the device gets no more work in this run
 */
public record AgentPolicy(int openAttempts, Duration retryPause, int quarantineAfter) {
    public AgentPolicy {
        if (openAttempts < 1 || quarantineAfter < 1) {
            throw new IllegalArgumentException("openAttempts and quarantineAfter must be at least 1");
        }
        if (retryPause.isNegative()) {
            throw new IllegalArgumentException("retryPause must not be negative");
        }
    }

    /** Three attempts two seconds apart; quarantine after three infrastructure failures in a row. */
    public static AgentPolicy defaults() {
        return new AgentPolicy(3, Duration.ofSeconds(2), 3);
    }
}
