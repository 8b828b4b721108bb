package dev.harrow.farm;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.config.DeviceSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a device's own log lines (console, logcat, syslog) to the backend's log store as {@code log} events, beside
 * what the app itself logged. Each line's event id is derived from the line, so sending it again stores it once.
 */
final class DeviceLogForwarder {
    static final int MAX_MESSAGE = 4000;
    static final int BATCH = 200;
    private static final Logger log = LoggerFactory.getLogger(DeviceLogForwarder.class);

    private final BackendClient client;
    private final String appKey;

    DeviceLogForwarder(BackendConnection connection) {
        this.client = connection.client();
        this.appKey = connection.appKey();
    }

    void forward(DeviceSpec device, List<DeviceLogEntry> lines) {
        if (lines.isEmpty()) {
            return;
        }
        List<Map<String, Object>> events = new ArrayList<>();
        for (DeviceLogEntry line : lines) {
            String message = line.message().length() <= MAX_MESSAGE ? line.message()
                    : line.message().substring(0, MAX_MESSAGE);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventId", UUID.nameUUIDFromBytes((device.name() + "|" + line.at() + "|" + line.source() + "|"
                    + line.message()).getBytes(StandardCharsets.UTF_8)).toString());
            event.put("type", "log");
            event.put("ts", line.at().toString());
            event.put("deviceId", device.name());
            event.put("platform", device.platform().wire());
            event.put("props", Map.of("level", line.level(), "message", message, "source", line.source(),
                    "origin", "device"));
            events.add(event);
        }
        for (int from = 0; from < events.size(); from += BATCH) {
            try {
                client.send(appKey, events.subList(from, Math.min(events.size(), from + BATCH)));
            } catch (RuntimeException e) {
                // The report keeps the lines; the run goes on.
                log.warn("{}: device log lines not forwarded to the backend: {}", device.name(), e.getMessage());
            }
        }
    }
}
