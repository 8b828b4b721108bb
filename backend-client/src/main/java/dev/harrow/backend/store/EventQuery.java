package dev.harrow.backend.store;

import java.time.Instant;

/** A filter over stored events. Null fields do not filter. */
public record EventQuery(String appId, String deviceId, String type, Instant since, Instant until, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public EventQuery {
        if (limit <= 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new IllegalArgumentException("until is before since");
        }
    }

    public static EventQuery all() {
        return new EventQuery(null, null, null, null, null, MAX_LIMIT);
    }

    public static EventQuery forDevice(String deviceId) {
        return new EventQuery(null, deviceId, null, null, null, MAX_LIMIT);
    }
}
