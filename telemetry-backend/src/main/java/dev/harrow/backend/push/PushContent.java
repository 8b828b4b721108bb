package dev.harrow.backend.push;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a push shows and carries, the same for APNs and FCM; each gateway maps it onto its own payload.
 *
 * @param data string pairs delivered to the app (FCM allows strings only, so Harrow does too)
 * @param collapseKey pushes with the same key replace each other on the device (APNs: at most 64 bytes)
 * @param ttl how long the gateways keep trying to reach an offline device; also how late a scheduled push may
 *        still go out
 */
public record PushContent(String title, String body, Map<String, String> data, Integer badge, String sound,
                          String collapseKey, Duration ttl, Priority priority) {
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);
    public static final Duration MAX_TTL = Duration.ofDays(28);

    /** Delivery priority: {@code high} wakes the device now; {@code normal} may be batched to save power. */
    public enum Priority {
        HIGH, NORMAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PushContent {
        data = data == null ? Map.of() : Map.copyOf(data);
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        priority = priority == null ? Priority.HIGH : priority;
    }

    public static PushContent alert(String title, String body) {
        return new PushContent(title, body, Map.of(), null, null, null, null, null);
    }

    public PushContent withData(Map<String, String> value) {
        return new PushContent(title, body, value, badge, sound, collapseKey, ttl, priority);
    }

    public PushContent withTtl(Duration value) {
        return new PushContent(title, body, data, badge, sound, collapseKey, value, priority);
    }

    /** What is wrong with it, as field: reason; empty when it can be sent. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (blank(title) && blank(body) && data.isEmpty()) {
            problems.add("content: a push needs a title, a body or data");
        }
        if (badge != null && badge < 0) {
            problems.add("content.badge: must not be negative");
        }
        if (collapseKey != null && collapseKey.getBytes(StandardCharsets.UTF_8).length > 64) {
            problems.add("content.collapseKey: at most 64 bytes (APNs' limit)");
        }
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            problems.add("content.ttl: between 0 and 28 days (FCM's limit), was " + ttl);
        }
        for (String key : data.keySet()) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (key.isBlank() || lower.equals("from") || lower.equals("notification") || lower.equals("message_type")
                    || lower.startsWith("google") || lower.startsWith("gcm")) {
                problems.add("content.data." + key + ": a key FCM reserves");
            }
        }
        if (data.containsKey("messageId")) {
            problems.add("content.data.messageId: set by Harrow, so that receipts name their message");
        }
        return problems;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
