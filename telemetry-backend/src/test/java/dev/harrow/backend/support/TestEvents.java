package dev.harrow.backend.support;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Well-formed events for tests; callers change or remove fields to make them bad. */
public final class TestEvents {
    private TestEvents() {
    }

    public static Map<String, Object> event(String deviceId, String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("type", type);
        e.put("ts", Instant.now().toString());
        e.put("deviceId", deviceId);
        e.put("platform", "android");
        e.put("appVersion", "1.0.0");
        e.put("props", Map.of("screen", "home"));
        return e;
    }
}
