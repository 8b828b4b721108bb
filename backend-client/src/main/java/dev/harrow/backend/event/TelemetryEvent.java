package dev.harrow.backend.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One accepted telemetry event: what an app sent, validated, plus the app it belongs to and when the collector
 * received it. {@code (appId, eventId)} identifies it: a retried or replayed event is the same event.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TelemetryEvent(
        String appId,
        UUID eventId,
        String type,
        Instant ts,
        String deviceId,
        String userId,
        String sessionId,
        Platform platform,
        String appVersion,
        Map<String, Object> props,
        Instant receivedAt) {

    public TelemetryEvent {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(deviceId, "deviceId");
        props = props == null ? Map.of() : props;
    }

    /** The stored identity: unique per app, so that two apps may use the same event id. */
    public String storageId() {
        return appId + ":" + eventId;
    }
}
