package dev.harrow.backend.push;

import java.time.Instant;

/** One push to one token, as a gateway sends it. {@code deliveryId} is also the APNs id's seed and the log key. */
public record Outgoing(String deliveryId, String messageId, String appId, String deviceId, String token,
                       PushContent content, Instant expiresAt) {
}
