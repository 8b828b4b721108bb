package dev.harrow.backend.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Analytics: the time zones whose calendar days the rollups are kept in. A metric can be asked in any of them and
 * in no other, because a day in one zone is not a union of days in another; each zone costs one rollup write per
 * user and day.
 */
public record AnalyticsSettings(List<ZoneId> zones) {
    public AnalyticsSettings {
        if (zones == null || zones.isEmpty()) {
            throw new ConfigException("analytics.zones: at least one time zone is required");
        }
        if (zones.size() > 8) {
            throw new ConfigException("analytics.zones: at most 8 zones, was " + zones.size());
        }
        zones = List.copyOf(zones.stream().distinct().toList());
    }

    /** UTC only. */
    public static AnalyticsSettings defaults() {
        return new AnalyticsSettings(List.of(ZoneId.of("UTC")));
    }

    /** Zones by IANA name, as written in a file or a variable (comma-separated). */
    public static AnalyticsSettings of(List<String> names) {
        List<ZoneId> zones = new ArrayList<>();
        for (String name : names) {
            try {
                zones.add(ZoneId.of(name.trim()));
            } catch (DateTimeException e) {
                throw new ConfigException("analytics.zones: '" + name.trim() + "' is not an IANA time zone");
            }
        }
        return new AnalyticsSettings(zones);
    }
}
