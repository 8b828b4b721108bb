package dev.harrow.backend.ingest;

import dev.harrow.backend.analytics.MetricNames;
import dev.harrow.backend.config.EventRules;
import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns one event of a batch into a {@link TelemetryEvent}, or says precisely why it cannot be one. Unknown top-level
 * fields are ignored (a newer SDK may send more) and never stored.
 */
public final class EventValidator {
    static final int MAX_ID_LENGTH = 128;
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Either an event or the reason it was refused. */
    public sealed interface Outcome permits Valid, Invalid {
    }

    public record Valid(TelemetryEvent event) implements Outcome {
    }

    public record Invalid(Rejection rejection) implements Outcome {
    }

    private final int maxNestingDepth;
    private final EventRules rules;

    /** @param maxNestingDepth how deep an event may nest, counting the event object itself as one level */
    public EventValidator(int maxNestingDepth) {
        this(maxNestingDepth, EventRules.defaults());
    }

    /** @param rules what an event may claim before it counts in the figures (time window, amounts) */
    public EventValidator(int maxNestingDepth, EventRules rules) {
        this.maxNestingDepth = maxNestingDepth;
        this.rules = rules;
    }

    public Outcome validate(JsonNode node, int index, String appId, Instant receivedAt) {
        if (node == null || !node.isObject()) {
            return reject(index, null, RejectReason.NOT_AN_OBJECT, "each event must be a JSON object");
        }
        if (depth(node, 1) > maxNestingDepth) {
            JsonNode id = node.get("eventId");
            return reject(index, id != null && id.isTextual() ? abbreviate(id.textValue()) : null,
                    RejectReason.TOO_DEEPLY_NESTED, "an event may nest at most " + maxNestingDepth + " levels");
        }
        JsonNode idNode = node.get("eventId");
        String rawId = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
        if (idNode == null || idNode.isNull()) {
            return reject(index, null, RejectReason.MISSING_EVENT_ID, "eventId is required");
        }
        if (rawId == null || !UUID_SHAPE.matcher(rawId).matches()) {
            return reject(index, rawId == null ? null : abbreviate(rawId), RejectReason.INVALID_EVENT_ID,
                    "eventId must be a UUID string");
        }
        UUID eventId = UUID.fromString(rawId);

        JsonNode typeNode = node.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return reject(index, rawId, RejectReason.MISSING_TYPE, "type is required");
        }
        if (!typeNode.isTextual() || !TYPE.matcher(typeNode.textValue()).matches()) {
            return reject(index, rawId, RejectReason.INVALID_TYPE,
                    "type must be 1-64 letters, digits or _ . : -");
        }

        JsonNode tsNode = node.get("ts");
        if (tsNode == null || tsNode.isNull()) {
            return reject(index, rawId, RejectReason.MISSING_TS, "ts is required");
        }
        Instant ts = parseTimestamp(tsNode);
        if (ts == null) {
            return reject(index, rawId, RejectReason.INVALID_TS, "ts must be an ISO-8601 instant or epoch milliseconds");
        }
        if (!rules.timeAllowed(ts, receivedAt)) {
            return reject(index, rawId, RejectReason.TS_OUT_OF_RANGE, "ts must be at most "
                    + rules.maxAge().toDays() + " days before and " + rules.maxAhead().toMinutes()
                    + " minutes after the collector's clock");
        }

        JsonNode deviceNode = node.get("deviceId");
        if (deviceNode == null || deviceNode.isNull()) {
            return reject(index, rawId, RejectReason.MISSING_DEVICE_ID, "deviceId is required");
        }
        String deviceId = boundedText(deviceNode);
        if (deviceId == null) {
            return reject(index, rawId, RejectReason.INVALID_DEVICE_ID, "deviceId must be a string of 1-128 characters");
        }

        String userId = null;
        String sessionId = null;
        String appVersion = null;
        if (present(node, "userId") && (userId = boundedText(node.get("userId"))) == null) {
            return reject(index, rawId, RejectReason.INVALID_USER_ID, "userId must be a string of 1-128 characters");
        }
        if (present(node, "sessionId") && (sessionId = boundedText(node.get("sessionId"))) == null) {
            return reject(index, rawId, RejectReason.INVALID_SESSION_ID, "sessionId must be a string of 1-128 characters");
        }
        if (present(node, "appVersion") && (appVersion = boundedText(node.get("appVersion"))) == null) {
            return reject(index, rawId, RejectReason.INVALID_APP_VERSION,
                    "appVersion must be a string of 1-128 characters");
        }
        Platform platform = null;
        if (present(node, "platform")) {
            JsonNode p = node.get("platform");
            platform = p.isTextual() ? Platform.fromWire(p.textValue()).orElse(null) : null;
            if (platform == null) {
                return reject(index, rawId, RejectReason.INVALID_PLATFORM, "platform must be android, ios or web");
            }
        }

        Map<String, Object> props = Map.of();
        if (present(node, "props")) {
            JsonNode propsNode = node.get("props");
            if (!propsNode.isObject()) {
                return reject(index, rawId, RejectReason.INVALID_PROPS, "props must be a JSON object");
            }
            try {
                props = StorableProps.of(propsNode);
            } catch (StorableProps.InvalidProps bad) {
                return reject(index, rawId, bad.reason(), bad.getMessage());
            }
        }

        Rejection badAmount = amountProblem(typeNode.textValue(), props, index, rawId);
        if (badAmount != null) {
            return new Invalid(badAmount);
        }
        return new Valid(new TelemetryEvent(appId, eventId, typeNode.textValue(), ts, deviceId, userId, sessionId,
                platform, appVersion, props, receivedAt));
    }

    /** A purchase's amount, when it has one, must be a plain number the figures can take. */
    private Rejection amountProblem(String type, Map<String, Object> props, int index, String rawId) {
        if (!MetricNames.PURCHASE.equals(type) || !props.containsKey("amount")) {
            return null;
        }
        Object amount = props.get("amount");
        if (amount instanceof Number n && rules.amountAllowed(n.doubleValue())) {
            return null;
        }
        return new Rejection(index, rawId, RejectReason.INVALID_AMOUNT, "a purchase's amount must be a number from "
                + "0 to " + (long) rules.maxPurchaseAmount());
    }

    /** How deep {@code node} nests; stops counting past the limit. */
    private int depth(JsonNode node, int level) {
        if (level > maxNestingDepth || !node.isContainerNode()) {
            return level;
        }
        int deepest = level;
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                deepest = Math.max(deepest, depth(child, level + 1));
                if (deepest > maxNestingDepth) {
                    return deepest;
                }
            }
        }
        return deepest;
    }

    private static Invalid reject(int index, String eventId, RejectReason reason, String detail) {
        return new Invalid(new Rejection(index, eventId, reason, detail));
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static String boundedText(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        String text = node.textValue();
        return text.isEmpty() || text.length() > MAX_ID_LENGTH ? null : text;
    }

    static String abbreviate(String raw) {
        return raw.length() <= 64 ? raw : raw.substring(0, 64);
    }

    static Instant parseTimestamp(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.longValue());
        }
        return node.isTextual() ? parseInstant(node.textValue()) : null;
    }

    /** An ISO-8601 instant with a zone offset ({@code Z} or {@code +02:00}), or null. */
    public static Instant parseInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }
}
