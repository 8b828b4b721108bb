package dev.harrow.backend.push.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A push a sandbox gateway accepted, as a device would receive it: what the device agent of an emulated phone
 * hands to the app.
 *
 * @param gateway {@code apns} or {@code fcm}
 * @param data the custom data, {@code messageId} included
 */
public record SandboxPush(long seq, String gateway, String token, String title, String body, Map<String, String> data,
                          Integer badge, String collapseKey, Instant acceptedAt) {
    public String messageId() {
        return data.get("messageId");
    }
}
