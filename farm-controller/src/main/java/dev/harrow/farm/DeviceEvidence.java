package dev.harrow.farm;

import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.reports.allure.LaneEvidence;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a leased device shows at the end of a scenario: its screen, and the log lines it wrote during the scenario,
 * which also go to the backend's log store.
 */
final class DeviceEvidence implements LaneEvidence {
    private final DeviceSpec spec;
    private final DeviceSession session;
    private final DeviceLogForwarder forwarder;

    DeviceEvidence(DeviceSpec spec, DeviceSession session, DeviceLogForwarder forwarder) {
        this.spec = spec;
        this.session = session;
        this.forwarder = forwarder;
    }

    @Override
    public byte[] finalScreen() {
        return session.screenshot();
    }

    @Override
    public String deviceLog() {
        List<DeviceLogEntry> lines = session.logs().asOptional().map(DeviceLogs::drain).orElse(List.of());
        forwarder.forward(spec, lines);
        return lines.stream().map(l -> l.at() + " " + l.level().toUpperCase(java.util.Locale.ROOT) + " [" + l.source()
                + "] " + l.message()).collect(Collectors.joining("\n"));
    }
}
