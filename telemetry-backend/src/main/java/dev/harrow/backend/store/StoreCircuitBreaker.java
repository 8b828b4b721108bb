package dev.harrow.backend.store;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops paying a store's timeout on every request while it is down. Closed, every write tries the store; after
 * {@code failureThreshold} consecutive failures it opens and writes skip the store for {@code openFor}; then one
 * probe is let through (half-open): if it succeeds the breaker closes, if not it opens again for twice as long, up
 * to {@code maxOpenFor}.
 */
public final class StoreCircuitBreaker {
    /** Where the breaker stands. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long baseOpenNanos;
    private final long maxOpenNanos;
    private final LongSupplier nanoTime;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openNanos;
    private long reopenAt;
    private boolean probeOut;
    private long opened;

    public StoreCircuitBreaker(int failureThreshold, Duration openFor, Duration maxOpenFor, LongSupplier nanoTime) {
        this.failureThreshold = failureThreshold;
        this.baseOpenNanos = openFor.toNanos();
        this.maxOpenNanos = maxOpenFor.toNanos();
        this.nanoTime = nanoTime;
        this.openNanos = baseOpenNanos;
    }

    /** Whether this write may try the store. In half-open state only one caller at a time gets a yes. */
    public synchronized boolean allowRequest() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (nanoTime.getAsLong() - reopenAt < 0) {
                    return false;
                }
                state = State.HALF_OPEN;
                probeOut = true;
                return true;
            case HALF_OPEN:
            default:
                if (probeOut) {
                    return false;
                }
                probeOut = true;
                return true;
        }
    }

    /** Gives back a probe permit that was not used on the store (the caller had nothing to write). */
    public synchronized void cancelProbe() {
        if (state == State.HALF_OPEN) {
            probeOut = false;
        }
    }

    public synchronized void recordSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        openNanos = baseOpenNanos;
        probeOut = false;
    }

    public synchronized void recordFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN) {
            openNanos = Math.min(maxOpenNanos, openNanos * 2);
            open();
        } else if (state == State.CLOSED && consecutiveFailures >= failureThreshold) {
            open();
        }
    }

    public synchronized State state() {
        return state;
    }

    /** How many times the breaker has opened since start. */
    public synchronized long timesOpened() {
        return opened;
    }

    private void open() {
        if (state != State.OPEN) {
            opened++;
        }
        state = State.OPEN;
        probeOut = false;
        reopenAt = nanoTime.getAsLong() + openNanos;
    }
}
