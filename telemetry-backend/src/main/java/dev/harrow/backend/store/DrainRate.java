package dev.harrow.backend.store;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** Events moved per second over a sliding window: what an operator reads to tell a drain that moves from one that crawls. */
final class DrainRate {
    private final long windowNanos;
    private final Deque<long[]> samples = new ArrayDeque<>();

    DrainRate(Duration window) {
        this.windowNanos = window.toNanos();
    }

    synchronized void add(long nowNanos, long events) {
        samples.addLast(new long[] {nowNanos, events});
        trim(nowNanos);
    }

    synchronized double perSecond(long nowNanos) {
        trim(nowNanos);
        long total = 0;
        for (long[] sample : samples) {
            total += sample[1];
        }
        return total / (windowNanos / 1e9);
    }

    private void trim(long nowNanos) {
        while (!samples.isEmpty() && nowNanos - samples.peekFirst()[0] > windowNanos) {
            samples.removeFirst();
        }
    }
}
