package dev.harrow.backend.push;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many registrations a key (a device id, a client address) may make in the current minute. Counts live in
 * memory, one minute at a time, and are dropped with their minute: a bound on abuse through the app key, not an
 * accounting.
 */
final class RegistrationBudget {
    private final int perMinute;
    private final Clock clock;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private volatile long minute = -1;

    RegistrationBudget(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Whether {@code key} may register once more this minute; counts the attempt. */
    boolean take(String key) {
        long now = clock.millis() / 60_000;
        if (now != minute) {
            synchronized (this) {
                if (now != minute) {
                    counts.clear();
                    minute = now;
                }
            }
        }
        return counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() <= perMinute;
    }

    /** Seconds until the budget fills again. */
    long secondsToNextMinute() {
        return 60 - (clock.millis() / 1000) % 60;
    }
}
