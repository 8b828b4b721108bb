package dev.harrow.backend.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded, realistic app population: users acquired over the period, each active on a day with a probability
 * that decays with its own churn rate, in sessions at local waking hours of its own time zone; screen views, a
 * custom event, purchases at a few price points; some signed in (user id), some not (device only), some signed in
 * on a second device of the other platform; an app update half way. The same seed makes the same events.
 */
public final class AnalyticsDataset {
    static final List<String> ZONES = List.of("UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin",
            "Australia/Sydney");
    static final double[] PRICES = {0.99, 4.99, 9.99, 19.99};

    /** One event as generated; {@code user} is who the metrics count (user id, else device id). */
    public record Event(UUID id, String type, Instant ts, String device, String userId, String session, String platform,
                 String version, Double amount) {
        public String user() {
            return userId != null ? userId : device;
        }

        public Map<String, Object> wire() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eventId", id.toString());
            e.put("type", type);
            e.put("ts", ts.toString());
            e.put("deviceId", device);
            if (userId != null) {
                e.put("userId", userId);
            }
            e.put("sessionId", session);
            e.put("platform", platform);
            e.put("appVersion", version);
            if (amount != null) {
                e.put("props", Map.of("amount", amount, "currency", "EUR"));
            } else if (type.equals("screen_view")) {
                e.put("props", Map.of("screen", "home"));
            }
            return e;
        }
    }

    public static List<Event> generate(long seed, int users, LocalDate firstDay, int days) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String mainDevice = "dev-" + u;
            String userId = random.nextDouble() < 0.7 ? "user-" + u : null;
            String mainPlatform = random.nextBoolean() ? "ios" : "android";
            boolean twoDevices = userId != null && random.nextDouble() < 0.1;
            ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
            int acquired = random.nextInt(days);
            double start = 0.25 + 0.5 * random.nextDouble();
            double tau = 2 + 14 * random.nextDouble();
            boolean updates = random.nextDouble() < 0.6;
            boolean spender = random.nextDouble() < 0.15;
            for (int d = acquired; d < days; d++) {
                if (d > acquired && random.nextDouble() > start * Math.exp(-(d - acquired) / tau)) {
                    continue;
                }
                LocalDate day = firstDay.plusDays(d);
                String version = updates && d >= days / 2 ? "2.5.0" : "2.4.0";
                int sessions = 1 + (random.nextDouble() < 0.35 ? 1 : 0);
                for (int s = 0; s < sessions; s++) {
                    boolean other = twoDevices && random.nextDouble() < 0.3;
                    String device = other ? "dev-" + u + "-b" : mainDevice;
                    String platform = other ? (mainPlatform.equals("ios") ? "android" : "ios") : mainPlatform;
                    String session = UUID.nameUUIDFromBytes((device + "/" + d + "/" + s).getBytes()).toString();
                    Instant t = day.atTime(7 + random.nextInt(16), random.nextInt(60), random.nextInt(60))
                            .atZone(zone).toInstant();
                    events.add(new Event(uuid(random), "session_start", t, device, userId, session, platform,
                            version, null));
                    int views = 1 + random.nextInt(3);
                    for (int v = 0; v < views; v++) {
                        t = t.plusSeconds(5 + random.nextInt(120));
                        events.add(new Event(uuid(random), "screen_view", t, device, userId, session, platform,
                                version, null));
                    }
                    if (random.nextDouble() < 0.2) {
                        t = t.plusSeconds(10 + random.nextInt(60));
                        events.add(new Event(uuid(random), "level.up", t, device, userId, session, platform, version,
                                null));
                    }
                    if (spender && random.nextDouble() < 0.3) {
                        t = t.plusSeconds(5 + random.nextInt(30));
                        events.add(new Event(uuid(random), "purchase", t, device, userId, session, platform, version,
                                PRICES[random.nextInt(PRICES.length)]));
                    }
                }
            }
        }
        events.sort(Comparator.comparing(Event::ts));
        return events;
    }

    private static UUID uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong());
    }

    private AnalyticsDataset() {
    }
}
