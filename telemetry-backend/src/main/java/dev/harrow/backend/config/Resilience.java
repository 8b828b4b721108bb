package dev.harrow.backend.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the backend rides out a store that fails. All defaults are here.
 *
 * @param storeTimeout how long a write to MongoDB may take before it counts as failed and the batch is spilled
 * @param breakerFailures consecutive MongoDB failures that open the circuit breaker
 * @param breakerOpenFor how long an open breaker sends writes straight to the spill before one probe is let through;
 *        doubles after each failed probe up to {@code breakerOpenMax}
 * @param retryAfter what {@code Retry-After} tells clients on 503 (no store can take the write)
 * @param drainBatches how many spilled batches the drainer moves back to MongoDB per round
 * @param spillLease how long a drainer may hold spilled batches before another instance may take them over
 * @param instanceId names this instance among backends sharing one Redis (the spill's consumer name)
 */
public record Resilience(
        Duration storeTimeout,
        int breakerFailures,
        Duration breakerOpenFor,
        Duration breakerOpenMax,
        Duration retryAfter,
        int drainBatches,
        Duration spillLease,
        String instanceId) {

    public Resilience {
        positive("storeTimeout", storeTimeout);
        positive("breakerOpenFor", breakerOpenFor);
        positive("breakerOpenMax", breakerOpenMax);
        positive("retryAfter", retryAfter);
        positive("spillLease", spillLease);
        if (breakerFailures < 1) {
            throw new ConfigException("resilience.breakerFailures: must be at least 1, was " + breakerFailures);
        }
        if (drainBatches < 1 || drainBatches > 1000) {
            throw new ConfigException("resilience.drainBatches: must be between 1 and 1000, was " + drainBatches);
        }
        if (breakerOpenMax.compareTo(breakerOpenFor) < 0) {
            throw new ConfigException("resilience.breakerOpenMax: must not be shorter than breakerOpenFor");
        }
        Objects.requireNonNull(instanceId, "instanceId");
        if (!instanceId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("resilience.instanceId: 1-64 letters, digits, '.', '_' or '-', was " + instanceId);
        }
    }

    /**
     * A 5 s store timeout; the breaker opens on the first failure for 2 s, up to 30 s; clients are told to come back
     * in 5 s; the drainer leases up to 100 spilled batches a round and holds them at most 60 s.
     */
    public static Resilience defaults() {
        return new Resilience(Duration.ofSeconds(5), 1, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(5), 100, Duration.ofSeconds(60), "harrow-1");
    }

    public Resilience withRetryAfter(Duration value) {
        return new Resilience(storeTimeout, breakerFailures, breakerOpenFor, breakerOpenMax, value, drainBatches,
                spillLease, instanceId);
    }

    public Resilience withStoreTimeout(Duration value) {
        return new Resilience(value, breakerFailures, breakerOpenFor, breakerOpenMax, retryAfter, drainBatches,
                spillLease, instanceId);
    }

    public Resilience withBreakerOpenFor(Duration value) {
        return new Resilience(storeTimeout, breakerFailures, value, breakerOpenMax.compareTo(value) < 0 ? value
                : breakerOpenMax, retryAfter, drainBatches, spillLease, instanceId);
    }

    public Resilience withSpillLease(Duration value) {
        return new Resilience(storeTimeout, breakerFailures, breakerOpenFor, breakerOpenMax, retryAfter, drainBatches,
                value, instanceId);
    }

    public Resilience withInstanceId(String value) {
        return new Resilience(storeTimeout, breakerFailures, breakerOpenFor, breakerOpenMax, retryAfter, drainBatches,
                spillLease, value);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException("resilience." + name + ": must be a positive duration, was " + value);
        }
    }
}
