package dev.harrow.farm;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.config.DeviceSpec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a device's own log lines (console, logcat, syslog) to the backend's log store as {@code log} events, beside
 * what the app itself logged ({@link BackendClient#sendDeviceLog}: sending a line again stores it once).
 */
final class DeviceLogForwarder {
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
        try {
            client.sendDeviceLog(appKey, device.name(), device.platform().wire(), lines.stream()
                    .map(l -> new BackendClient.DeviceLogLine(l.at(), l.level(), l.source(), l.message())).toList());
        } catch (RuntimeException e) {
            // The report keeps the lines; the run goes on.
            log.warn("{}: device log lines not forwarded to the backend: {}", device.name(), e.getMessage());
        }
    }
}
