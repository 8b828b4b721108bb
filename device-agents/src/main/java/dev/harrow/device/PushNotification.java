package dev.harrow.device;

import java.util.Map;

/** A push as a gateway accepted it and the OS would hand it to the app. */
public record PushNotification(String messageId, String title, String body, Map<String, Object> data,
                               String provider) {
    public PushNotification {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
