package dev.harrow.backend.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of an app's traffic a metric is asked for: everything, one platform, one app version, or both. An event
 * belongs to the slices of its own platform and version (docs/METRICS.md, "Filters").
 */
record Slice(String platform, String appVersion) {
    static final Slice ALL = new Slice(null, null);

    /** How the slice is named in rollup ids and flags. */
    String key() {
        if (platform == null && appVersion == null) {
            return "*";
        }
        if (appVersion == null) {
            return "p=" + platform;
        }
        return platform == null ? "v=" + appVersion : "p=" + platform + "&v=" + appVersion;
    }

    /** Every slice an event of this platform and version (either may be null) counts in. */
    static List<Slice> of(String platform, String appVersion) {
        List<Slice> out = new ArrayList<>(4);
        out.add(ALL);
        if (platform != null) {
            out.add(new Slice(platform, null));
        }
        if (appVersion != null) {
            out.add(new Slice(null, appVersion));
        }
        if (platform != null && appVersion != null) {
            out.add(new Slice(platform, appVersion));
        }
        return out;
    }
}
