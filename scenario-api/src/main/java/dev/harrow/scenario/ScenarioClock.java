package dev.harrow.scenario;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clock of a scenario's own backend: it runs with real time, and the scenario can move it ahead, as if hours
 * passed in a moment. Time keeps flowing after a jump, so timeouts, leases and polls behave as they do in
 * production; only what falls due on the calendar (a push scheduled for 09:00 local time) comes sooner.
 */
public final class ScenarioClock extends Clock {
    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead.get());
    }

    /** Moves the clock so that it reads {@code at} now; never backwards, as no real clock does for a scheduler. */
    public void jumpTo(Instant at) {
        Duration by = Duration.between(instant(), at);
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock reads " + instant() + " already; it does not go back to "
                    + at);
        }
        ahead.updateAndGet(d -> d.plus(by));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
