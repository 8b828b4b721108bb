package dev.harrow.backend.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * One user's activity on one local day, as rolled up.
 *
 * @param sessions session id to its first and last event time, as far as this day saw them
 * @param revenueCents the day's purchases, in cents
 */
record UserDay(String user, LocalDate day, Set<String> platforms, Set<String> versions, Map<String, Long> types,
               Map<String, Instant[]> sessions, long revenueCents, int purchases) {

    boolean matches(String platform, String appVersion) {
        return (platform == null || platforms.contains(platform))
                && (appVersion == null || versions.contains(appVersion));
    }

    long count(String type) {
        return types.getOrDefault(type, 0L);
    }

    /** Money in cents, as the metrics add it: each amount rounded to the cent first. */
    static long cents(double amount) {
        return Math.round(amount * 100);
    }
}
