package dev.harrow.backend.push;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A device's push token as registered by the app, one per {@code (appId, deviceId)}: registering again replaces
 * it (a new token, a new time zone) and makes it active again.
 *
 * @param platform {@code ios} (APNs) or {@code android} (FCM)
 * @param timeZone IANA zone, for pushes scheduled at a local wall-clock time
 * @param active false once a gateway said the token is dead; {@code deactivatedReason} says which answer
 */
public record DeviceToken(String appId, String deviceId, String token, String platform, String language,
                          String timeZone, String appVersion, Set<String> tags, Instant lastSeen, boolean active,
                          Instant deactivatedAt, String deactivatedReason) {
    static final int MAX_TOKEN_LENGTH = 4096;
    static final int MAX_TAGS = 32;
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public DeviceToken {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    public static DeviceToken registered(String appId, String deviceId, String token, String platform,
                                         String language, String timeZone, String appVersion, Set<String> tags,
                                         Instant now) {
        return new DeviceToken(appId, deviceId, token, platform, language, timeZone, appVersion, tags, now, true,
                null, null);
    }

    /** The zone its local-time pushes follow; UTC when the app did not say. */
    public ZoneId zone() {
        return timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    }

    /** What is wrong with a registration, as field: reason. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (deviceId == null || deviceId.isBlank() || deviceId.length() > 128) {
            problems.add("deviceId: required, at most 128 characters");
        }
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            problems.add("token: required, at most " + MAX_TOKEN_LENGTH + " characters");
        } else if ("ios".equals(platform) && !token.matches("[0-9a-fA-F]{32,200}")) {
            problems.add("token: an APNs device token is hexadecimal");
        }
        if (!"ios".equals(platform) && !"android".equals(platform)) {
            problems.add("platform: '" + platform + "' is not ios or android");
        }
        if (timeZone != null) {
            try {
                ZoneId.of(timeZone);
            } catch (RuntimeException e) {
                problems.add("timeZone: '" + timeZone + "' is not an IANA time zone such as Europe/Berlin");
            }
        }
        if (language != null && Locale.forLanguageTag(language).getLanguage().isEmpty()) {
            problems.add("language: '" + language + "' is not a BCP 47 language tag such as en-US");
        }
        if (appVersion != null && !Segment.AppVersion.valid(appVersion)) {
            problems.add("appVersion: '" + appVersion + "' is not dotted numbers such as 2.4.1");
        }
        if (tags.size() > MAX_TAGS) {
            problems.add("tags: at most " + MAX_TAGS);
        }
        for (String tag : tags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                problems.add("tags: each 1-64 letters, digits or _ . : - (" + (tag == null ? "null"
                        : tag.length() > 20 ? tag.substring(0, 20) + "..." : tag) + ")");
                break;
            }
        }
        return problems;
    }
}
