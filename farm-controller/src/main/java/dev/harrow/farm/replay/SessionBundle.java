package dev.harrow.farm.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.Json;
import dev.harrow.device.provider.CommandLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one device session of one scenario left behind, on disk, so that a developer can see and replay it:
 * <pre>
 *   session.json      the device, the scenario, the try, when, the outcome, the session's capabilities
 *   commands.jsonl    the WebDriver commands sent, one per line, with their answers and timings
 *   telemetry.json    the events the backend stored from the device during the session
 *   device.log        the device's own log lines
 *   final.png         the device's screen at the end
 * </pre>
 */
public record SessionBundle(Path dir, Map<String, Object> session, List<CommandLog.Command> commands,
                            List<TelemetryEvent> telemetry) {
    /** The device's requests during the try, as HAR 1.2 (web-emulated devices and others behind the farm's path). */
    public static final String NETWORK_HAR = "network.har";

    static final ObjectMapper JSON = Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes a bundle into {@code dir} (created); the device log and screen are optional (null). */
    public static SessionBundle write(Path dir, Map<String, Object> session, List<CommandLog.Command> commands,
                                      List<TelemetryEvent> telemetry, String deviceLog, byte[] finalScreen) {
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("session.json").toFile(), session);
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("commands.jsonl"), StandardCharsets.UTF_8)) {
                for (CommandLog.Command command : commands) {
                    out.write(JSON.writeValueAsString(command));
                    out.newLine();
                }
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("telemetry.json").toFile(), telemetry);
            if (deviceLog != null) {
                Files.writeString(dir.resolve("device.log"), deviceLog);
            }
            if (finalScreen != null && finalScreen.length > 0) {
                Files.write(dir.resolve("final.png"), finalScreen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session bundle " + dir, e);
        }
        return new SessionBundle(dir, Map.copyOf(session), List.copyOf(commands), List.copyOf(telemetry));
    }

    /** Reads a bundle written by {@link #write}; a clear error names what is missing or unreadable. */
    public static SessionBundle read(Path dir) {
        if (!Files.isRegularFile(dir.resolve("session.json"))) {
            throw new IllegalArgumentException(dir + " is not a session bundle (no session.json)");
        }
        try {
            Map<String, Object> session = JSON.readValue(dir.resolve("session.json").toFile(),
                    new TypeReference<Map<String, Object>>() { });
            List<CommandLog.Command> commands = new ArrayList<>();
            Path log = dir.resolve("commands.jsonl");
            if (Files.isRegularFile(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        commands.add(JSON.readValue(line, CommandLog.Command.class));
                    }
                }
            }
            Path events = dir.resolve("telemetry.json");
            List<TelemetryEvent> telemetry = Files.isRegularFile(events)
                    ? JSON.readValue(events.toFile(), new TypeReference<List<TelemetryEvent>>() { }) : List.of();
            return new SessionBundle(dir, session, commands, telemetry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the session bundle " + dir + ": " + e.getMessage(), e);
        }
    }
}
