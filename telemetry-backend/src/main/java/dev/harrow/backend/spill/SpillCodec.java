package dev.harrow.backend.spill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.ingest.StorableProps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A batch of events as the spill holds it: compact JSON with the stored field names. Props are read back through
 * {@link StorableProps}, so a drained event is stored exactly as if it had gone straight to MongoDB.
 */
public final class SpillCodec {
    private final ObjectMapper json = Json.mapper();

    public String encode(List<TelemetryEvent> events) {
        ArrayNode array = json.createArrayNode();
        for (TelemetryEvent e : events) {
            ObjectNode node = array.addObject();
            node.put("a", e.appId());
            node.put("e", e.eventId().toString());
            node.put("t", e.type());
            node.put("ts", e.ts().toEpochMilli());
            node.put("r", e.receivedAt().toEpochMilli());
            node.put("d", e.deviceId());
            putIfPresent(node, "u", e.userId());
            putIfPresent(node, "s", e.sessionId());
            putIfPresent(node, "p", e.platform() == null ? null : e.platform().wire());
            putIfPresent(node, "v", e.appVersion());
            if (!e.props().isEmpty()) {
                node.set("pr", json.valueToTree(e.props()));
            }
        }
        try {
            return json.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an accepted event could not be encoded", e);
        }
    }

    public List<TelemetryEvent> decode(String payload) {
        try {
            JsonNode array = json.readTree(payload);
            List<TelemetryEvent> events = new ArrayList<>(array.size());
            for (JsonNode n : array) {
                Map<String, Object> props = n.has("pr") ? StorableProps.of(n.get("pr")) : Map.of();
                events.add(new TelemetryEvent(
                        n.get("a").textValue(),
                        UUID.fromString(n.get("e").textValue()),
                        n.get("t").textValue(),
                        Instant.ofEpochMilli(n.get("ts").longValue()),
                        n.get("d").textValue(),
                        text(n, "u"),
                        text(n, "s"),
                        n.has("p") ? Platform.fromWire(n.get("p").textValue()).orElse(null) : null,
                        text(n, "v"),
                        props,
                        Instant.ofEpochMilli(n.get("r").longValue())));
            }
            return events;
        } catch (JsonProcessingException | StorableProps.InvalidProps | RuntimeException e) {
            // Only this codec writes the spill; a batch it cannot read back is corruption, not bad input.
            throw new IllegalStateException("a spilled batch could not be decoded: " + e.getMessage(), e);
        }
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null ? null : value.textValue();
    }
}
