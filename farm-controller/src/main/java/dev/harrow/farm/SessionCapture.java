package dev.harrow.farm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.CommandLog;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.runtime.WorkDirs;
import dev.harrow.farm.plan.Slot;
import dev.harrow.farm.replay.SessionBundle;
import dev.harrow.farm.schedule.AttemptResult;
import dev.harrow.reports.allure.RunAttempt;
import dev.harrow.reports.summary.DeviceTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link SessionBundle} for every try of a scenario, under {@code sessions/DEVICE/SCENARIO-tryN} in the
 * run's output directory: what the device did (the command log, its log, its last screen) and what the farm's
 * backend received from it meanwhile, and what became of the pushes that backend sent it. Scenarios that start a
 * backend of their own keep that telemetry to themselves.
 * A bundle that cannot be written costs the run nothing but a warning.
 */
final class SessionCapture {
    static final int MAX_EVENTS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(SessionCapture.class);

    private final Path root;
    private final BackendClient client;
    private final Map<String, DeviceTelemetry> tally = new ConcurrentHashMap<>();

    /** Bundles go under {@code root}; what an earlier run left there is removed. */
    SessionCapture(Path root, BackendConnection backend) {
        WorkDirs.deleteTree(root);
        this.root = root;
        this.client = backend.client();
    }

    void write(Slot slot, DeviceSpec device, DeviceSession session, RunAttempt attempt, Instant started,
               AttemptResult result, DeviceEvidence evidence) {
        String name = slot.scenario().className().replaceFirst(".*\\.", "") + "." + slot.scenario().methodName()
                + "-try" + attempt.number();
        Path dir = root.resolve(safe(device.name())).resolve(safe(name));
        try {
            Instant ended = Instant.now();
            List<CommandLog.Command> commands = evidence.takenCommands().isEmpty()
                    ? session.activity().commands().drain() : evidence.takenCommands();
            List<TelemetryEvent> telemetry = client.events(new EventQuery(null, device.name(), null, started, null,
                    MAX_EVENTS));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("device", Map.of("name", device.name(), "platform", device.platform().wire(),
                    "kind", device.kind().wire(), "profile", String.valueOf(device.profile())));
            meta.put("scenario", Map.of("class", slot.scenario().className(), "method",
                    slot.scenario().methodName(), "displayName", slot.scenario().displayName()));
            meta.put("try", attempt.number());
            meta.put("startedAt", started.toString());
            meta.put("endedAt", ended.toString());
            meta.put("outcome", result == null ? "BROKEN" : result.outcome().name());
            if (result != null && result.message() != null) {
                meta.put("message", result.message());
            }
            meta.put("commandsDropped", session.activity().commands().dropped());
            meta.put("capabilities", capabilities(session));
            Map<String, Object> app = evidence.takenAppTelemetry();
            if (app != null) {
                meta.put("appTelemetry", app);
                count(device.name(), app);
            }
            JsonNode pushes = pushes(device.name(), started);
            if (pushes != null) {
                meta.put("pushes", pushes);
            }
            SessionBundle.write(dir, meta, commands, telemetry, evidence.takenDeviceLog(), evidence.screen());
            byte[] har = evidence.takenHar() != null ? evidence.takenHar() : evidence.networkHar();
            if (har != null) {
                java.nio.file.Files.write(dir.resolve(SessionBundle.NETWORK_HAR), har);
            }
        } catch (RuntimeException | java.io.IOException e) {
            log.warn("{}: no session bundle for {}: {}", device.name(), name, e.getMessage());
        }
    }

    /** The devices' telemetry verdicts so far, by device name. */
    List<DeviceTelemetry> telemetry() {
        return tally.values().stream().sorted(java.util.Comparator.comparing(DeviceTelemetry::device)).toList();
    }

    @SuppressWarnings("unchecked")
    private void count(String device, Map<String, Object> app) {
        Map<String, Object> counters = app.get("counters") instanceof Map ? (Map<String, Object>) app.get("counters")
                : Map.of();
        tally.merge(device, DeviceTelemetry.none(device).plus(number(counters, "created"), number(counters, "sent"),
                number(counters, "duplicates"), number(counters, "rejected"), number(counters, "dropped"),
                number(app, "queueLength")), DeviceTelemetry::plus);
    }

    /**
     * What the farm's backend did with the pushes it sent the device since the try began, counted into the device's
     * verdict; null (and a warning) when the backend cannot say.
     */
    private JsonNode pushes(String device, Instant started) {
        JsonNode found;
        try {
            found = client.pushDeliveries(device, started);
        } catch (RuntimeException e) {
            log.warn("{}: no push figures for this try: {}", device, e.getMessage());
            return null;
        }
        JsonNode counts = found.path("counts");
        if (counts.path("targeted").asLong() == 0) {
            return found;
        }
        List<Long> delivery = new ArrayList<>();
        List<Long> open = new ArrayList<>();
        for (JsonNode copy : found.path("deliveries")) {
            // The backend's own latencies, per push, so that percentiles can be taken over all of a device's tries.
            if (copy.path("deliveredAfterMillis").isNumber()) {
                delivery.add(copy.get("deliveredAfterMillis").asLong());
            }
            if (copy.path("openedAfterMillis").isNumber()) {
                open.add(copy.get("openedAfterMillis").asLong());
            }
        }
        tally.merge(device, DeviceTelemetry.none(device).plus(new DeviceTelemetry.Pushes(
                counts.path("targeted").asLong(), counts.path("sent").asLong(), counts.path("accepted").asLong(),
                counts.path("rejected").asLong(), counts.path("delivered").asLong(), counts.path("opened").asLong(),
                delivery, open)), DeviceTelemetry::plus);
        return found;
    }

    private static long number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static Map<String, Object> capabilities(DeviceSession session) {
        try {
            return new LinkedHashMap<>(session.driver().getCapabilities().asMap());
        } catch (RuntimeException e) {
            return Map.of("unavailable", String.valueOf(e.getMessage()));
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
