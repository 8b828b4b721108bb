package dev.harrow.farm.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ingest.IngestReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Sends a bundle's telemetry to a backend again, as the device sent it: the events that arrived together go as one
 * batch, with the original gaps between batches divided by {@code speed} (0: no waiting). Event ids are kept, so a
 * backend that already holds an event stores it once.
 */
public final class TelemetryReplay {
    /** What the replay did. */
    public record Outcome(int batches, int events, int accepted, int duplicates, int rejected) {
    }

    private TelemetryReplay() {
    }

    public static Outcome send(SessionBundle bundle, BackendClient client, String appKey, double speed,
                               Consumer<String> progress) {
        if (speed < 0 || Double.isNaN(speed)) {
            throw new IllegalArgumentException("speed must be 0 (no waiting) or positive, was " + speed);
        }
        // Batches as they arrived: events with the same reception instant came in one request.
        TreeMap<Instant, List<TelemetryEvent>> batches = new TreeMap<>();
        for (TelemetryEvent event : bundle.telemetry()) {
            Instant at = event.receivedAt() == null ? event.ts() : event.receivedAt();
            batches.computeIfAbsent(at, k -> new ArrayList<>()).add(event);
        }
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        int sent = 0;
        Instant previous = null;
        for (Map.Entry<Instant, List<TelemetryEvent>> batch : batches.entrySet()) {
            if (previous != null && speed > 0) {
                pause(Duration.ofNanos((long) (Duration.between(previous, batch.getKey()).toNanos() / speed)));
            }
            previous = batch.getKey();
            List<TelemetryEvent> events = new ArrayList<>(batch.getValue());
            events.sort(Comparator.comparing(TelemetryEvent::ts));
            IngestReply reply = client.send(appKey, events.stream().map(TelemetryReplay::asSent).toList());
            accepted += reply.accepted();
            duplicates += reply.duplicates();
            rejected += reply.rejected().size();
            sent += events.size();
            progress.accept("replayed " + sent + "/" + bundle.telemetry().size() + " events");
        }
        return new Outcome(batches.size(), sent, accepted, duplicates, rejected);
    }

    /** The event as the device sent it: what the backend added on receipt (app, reception time) left out. */
    static Map<String, Object> asSent(TelemetryEvent event) {
        Map<String, Object> map = new LinkedHashMap<>(SessionBundle.JSON.convertValue(event,
                new TypeReference<Map<String, Object>>() { }));
        map.remove("appId");
        map.remove("receivedAt");
        return map;
    }

    private static void pause(Duration gap) {
        try {
            // Pacing, not waiting for a condition: the replay keeps the device's rhythm.
            Thread.sleep(Math.min(gap.toMillis(), Duration.ofMinutes(10).toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }
}
