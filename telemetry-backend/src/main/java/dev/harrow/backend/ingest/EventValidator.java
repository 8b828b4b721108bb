package dev.harrow.backend.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns one event of a batch into a {@link TelemetryEvent}, or says precisely why it cannot be one. Unknown top-level
 * fields are ignored (a newer SDK may send more) and never stored.
 */
public final class EventValidator {
    /** Events older than this are refused: a device clock this wrong makes the event useless for analytics. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** Device clocks run ahead; beyond a day the timestamp is taken for garbage. */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);
    static final int MAX_ID_LENGTH = 128;
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Either an event or the reason it was refused. */
    public sealed interface Outcome permits Valid, Invalid {
    }

    public record Valid(TelemetryEvent event) implements Outcome {
    }

    public record Invalid(Rejection rejection) implements Outcome {
    }

    public Outcome validate(JsonNode node, int index, String appId, Instant receivedAt) {
        if (node == null || !node.isObject()) {
            return reject(index, null, RejectReason.NOT_AN_OBJECT, "each event must be a JSON object");
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
        if (ts.isBefore(EARLIEST) || ts.isAfter(receivedAt.plus(MAX_CLOCK_AHEAD))) {
            return reject(index, rawId, RejectReason.TS_OUT_OF_RANGE,
                    "ts must be after 2000-01-01 and at most one day ahead of the collector's clock");
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
                props = toStorable(propsNode);
            } catch (BadProps bad) {
                return reject(index, rawId, bad.reason, bad.getMessage());
            }
        }

        return new Valid(new TelemetryEvent(appId, eventId, typeNode.textValue(), ts, deviceId, userId, sessionId,
                platform, appVersion, props, receivedAt));
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

    private static String abbreviate(String raw) {
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

    /**
     * Converts {@code props} to values MongoDB stores as they are. Keys MongoDB would read as operators or paths
     * ({@code $...}, dotted, empty, NUL) are refused rather than escaped: an escaped key would no longer match what
     * the app's analysts query by.
     */
    static Map<String, Object> toStorable(JsonNode object) throws BadProps {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            if (key.isEmpty() || key.startsWith("$") || key.indexOf('.') >= 0 || key.indexOf('\0') >= 0) {
                throw new BadProps(RejectReason.INVALID_PROPS_KEY,
                        "props key '" + abbreviate(key) + "' is not allowed: keys may not be empty, start with '$', "
                                + "or contain '.' or NUL");
            }
            out.put(key, storableValue(field.getValue()));
        }
        return out;
    }

    private static Object storableValue(JsonNode value) throws BadProps {
        switch (value.getNodeType()) {
            case OBJECT:
                return toStorable(value);
            case ARRAY: {
                List<Object> list = new ArrayList<>(value.size());
                for (JsonNode element : value) {
                    list.add(storableValue(element));
                }
                return list;
            }
            case STRING:
                return value.textValue();
            case BOOLEAN:
                return value.booleanValue();
            case NULL:
                return null;
            case NUMBER:
                if (value.isIntegralNumber()) {
                    BigInteger big = value.bigIntegerValue();
                    if (big.compareTo(LONG_MIN) < 0 || big.compareTo(LONG_MAX) > 0) {
                        throw new BadProps(RejectReason.INVALID_PROPS, "props number out of the 64-bit range");
                    }
                    return value.longValue();
                }
                double d = value.doubleValue();
                if (Double.isInfinite(d) || Double.isNaN(d)) {
                    throw new BadProps(RejectReason.INVALID_PROPS, "props number out of the double range");
                }
                return d;
            default:
                throw new BadProps(RejectReason.INVALID_PROPS, "props holds a value that is not JSON");
        }
    }

    static final class BadProps extends Exception {
        private static final long serialVersionUID = 1L;
        final transient RejectReason reason;

        BadProps(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
