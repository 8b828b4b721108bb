package dev.harrow.backend.push;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which registered devices a push goes to, by what they registered: every non-empty field must match (platforms,
 * languages and time zones: any of; tags: all of). App versions compare numerically, part by part
 * ({@code 2.10 > 2.9}), bounds included.
 */
public record Segment(Set<String> platforms, Set<String> languages, Set<String> timeZones, Set<String> tags,
                      String minAppVersion, String maxAppVersion) {

    public Segment {
        platforms = platforms == null ? Set.of() : Set.copyOf(platforms);
        languages = languages == null ? Set.of() : Set.copyOf(languages);
        timeZones = timeZones == null ? Set.of() : Set.copyOf(timeZones);
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    public static Segment everyone() {
        return new Segment(null, null, null, null, null, null);
    }

    public Segment onPlatforms(String... values) {
        return new Segment(Set.of(values), languages, timeZones, tags, minAppVersion, maxAppVersion);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (String platform : platforms) {
            if (!platform.equals("android") && !platform.equals("ios")) {
                problems.add("target.segment.platforms: '" + platform + "' is not android or ios");
            }
        }
        for (String version : new String[] {minAppVersion, maxAppVersion}) {
            if (version != null && !AppVersion.valid(version)) {
                problems.add("target.segment: app version '" + version + "' is not dotted numbers such as 2.4.1");
            }
        }
        return problems;
    }

    public boolean matches(DeviceToken token) {
        return (platforms.isEmpty() || platforms.contains(token.platform()))
                && (languages.isEmpty() || token.language() != null && languages.contains(token.language()))
                && (timeZones.isEmpty() || token.timeZone() != null && timeZones.contains(token.timeZone()))
                && token.tags().containsAll(tags)
                && (minAppVersion == null || AppVersion.compare(token.appVersion(), minAppVersion) >= 0)
                && (maxAppVersion == null || AppVersion.compare(token.appVersion(), maxAppVersion) <= 0);
    }

    /** Dotted numeric versions; anything after the numbers ({@code -beta}) is ignored. */
    static final class AppVersion {
        private AppVersion() {
        }

        static boolean valid(String version) {
            return version.matches("\\d+(\\.\\d+)*([-+].*)?");
        }

        /** A missing or unparseable version sorts before every real one. */
        static int compare(String a, String b) {
            if (a == null || !valid(a)) {
                return b == null || !valid(b) ? 0 : -1;
            }
            String[] x = a.split("[-+]", 2)[0].split("\\.");
            String[] y = b.split("[-+]", 2)[0].split("\\.");
            for (int i = 0; i < Math.max(x.length, y.length); i++) {
                long p = i < x.length ? Long.parseLong(x[i]) : 0;
                long q = i < y.length ? Long.parseLong(y[i]) : 0;
                if (p != q) {
                    return Long.compare(p, q);
                }
            }
            return 0;
        }
    }
}
