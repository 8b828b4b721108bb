package dev.harrow.farm;

import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.Har;
import dev.harrow.device.network.NetworkSwitch;
import dev.harrow.device.provider.CommandLog;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.reports.allure.LaneEvidence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openqa.selenium.JavascriptExecutor;

/**
 * What a leased device shows at the end of a scenario: its screen, the log lines it wrote during the scenario
 * (which also go to the backend's log store), and the WebDriver commands the scenario sent. Keeps what it took, for
 * the session's capture bundle.
 */
final class DeviceEvidence implements LaneEvidence {
    private final DeviceSpec spec;
    private final DeviceSession session;
    private final DeviceLogForwarder forwarder;
    private volatile byte[] screen;
    private volatile String deviceLog;
    private volatile List<CommandLog.Command> commands = List.of();
    private volatile Map<String, Object> appTelemetry;

    private final Instant started = Instant.now();
    private volatile byte[] har;

    DeviceEvidence(DeviceSpec spec, DeviceSession session, DeviceLogForwarder forwarder) {
        this.spec = spec;
        this.session = session;
        this.forwarder = forwarder;
    }

    @Override
    public byte[] finalScreen() {
        screen = session.screenshot();
        return screen;
    }

    @Override
    public String deviceLog() {
        List<DeviceLogEntry> lines = session.logs().asOptional().map(DeviceLogs::drain).orElse(List.of());
        forwarder.forward(spec, lines);
        deviceLog = lines.stream().map(l -> l.at() + " " + l.level().toUpperCase(Locale.ROOT) + " [" + l.source()
                + "] " + l.message()).collect(Collectors.joining("\n"));
        return deviceLog;
    }

    /** One line per command: when (from the first), how long, what, the answer's status. */
    @Override
    public String commandLog() {
        // Read before the drain, so that this read is part of this try's log, not the next one's.
        appTelemetry = readAppTelemetry();
        commands = session.activity().commands().drain();
        if (commands.isEmpty()) {
            return null;
        }
        Instant first = commands.get(0).at();
        return commands.stream().map(c -> String.format(Locale.ROOT, "%+9d ms %6d ms  %-6s %-40s %d",
                Duration.between(first, c.at()).toMillis(), c.millis(), c.method(),
                c.path().isEmpty() ? "(session)" : c.path(), c.status())).collect(Collectors.joining("\n"));
    }

    /** The SDK's debug surface ({@code HarrowTelemetry.debug()}) when the app on screen has it, else null. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> readAppTelemetry() {
        try {
            Object debug = ((JavascriptExecutor) session.driver()).executeScript(
                    "return window.HarrowTelemetry ? window.HarrowTelemetry.debug() : null");
            return debug instanceof Map ? (Map<String, Object>) debug : null;
        } catch (RuntimeException e) {
            return null; // no page, a native app, a lost session: no counters, nothing else lost
        }
    }

    Map<String, Object> takenAppTelemetry() {
        return appTelemetry;
    }

    byte[] screen() {
        return screen;
    }

    /** The requests of this try as the device's network path saw them, with the switches made meanwhile. */
    @Override
    public byte[] networkHar() {
        har = session.network().asOptional().map(network -> {
            List<Exchange> mine = network.traffic().stream().filter(e -> !e.started().isBefore(started)).toList();
            List<NetworkSwitch> switches = network.switches();
            List<NetworkSwitch> during = new java.util.ArrayList<>();
            NetworkSwitch before = null;
            for (NetworkSwitch s : switches) {
                if (s.at().isBefore(started)) {
                    before = s;
                } else {
                    during.add(s);
                }
            }
            if (before != null) {
                during.add(0, new NetworkSwitch(started, before.profile()));
            }
            return Har.write(spec.name(), mine, during);
        }).orElse(null);
        return har;
    }

    byte[] takenHar() {
        return har;
    }

    String takenDeviceLog() {
        return deviceLog;
    }

    List<CommandLog.Command> takenCommands() {
        return commands;
    }
}
