package dev.harrow.backend.config;

import java.time.Duration;
import java.time.Instant;

/**
 * What one event may claim before it counts in the figures, so that no single event can break them: its time within
 * a window around the moment it was received (a device clock months behind or a day ahead would move a user's first
 * day or fill a day that has not come), a purchase amount that is a plain non-negative number below a bound, and a
 * session no longer than a bound. The collector rejects an event outside these rules (per event, with a reason), and
 * a rollup rebuild skips stored events outside them the same way. docs/METRICS.md states them.
 *
 * @param maxAge how long before its receipt an event may have happened (an app's offline queue holds events for
 *        days, not months)
 * @param maxAhead how far ahead of the collector's clock an event's time may be (device clocks drift)
 * @param maxPurchaseAmount the largest amount one purchase may carry, in the currency's units
 * @param maxSessionLength the longest a session counts for, however far apart its events are
 */
public record EventRules(Duration maxAge, Duration maxAhead, double maxPurchaseAmount, Duration maxSessionLength) {
    public EventRules {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new ConfigException("limits.maxEventAgeDays: must be positive");
        }
        if (maxAhead == null || maxAhead.isNegative()) {
            throw new ConfigException("limits.maxClockAheadMinutes: must not be negative");
        }
        if (!(maxPurchaseAmount > 0) || Double.isInfinite(maxPurchaseAmount)) {
            throw new ConfigException("limits.maxPurchaseAmount: must be a positive number");
        }
        if (maxSessionLength == null || maxSessionLength.isNegative() || maxSessionLength.isZero()) {
            throw new ConfigException("analytics.maxSessionHours: must be positive");
        }
    }

    /** 30 days back, one hour ahead, 1,000,000 per purchase, 12 hours per session. */
    public static EventRules defaults() {
        return new EventRules(Duration.ofDays(30), Duration.ofHours(1), 1_000_000, Duration.ofHours(12));
    }

    /** Whether an event that happened at {@code ts} and was received at {@code receivedAt} may count. */
    public boolean timeAllowed(Instant ts, Instant receivedAt) {
        return !ts.isBefore(receivedAt.minus(maxAge)) && !ts.isAfter(receivedAt.plus(maxAhead));
    }

    /** Whether {@code amount} may count as a purchase's amount. */
    public boolean amountAllowed(double amount) {
        return Double.isFinite(amount) && amount >= 0 && amount <= maxPurchaseAmount;
    }
}
