package dev.harrow.backend.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event's {@code props} as values MongoDB stores as they are: objects as maps, integers as 64-bit longs,
 * other numbers as doubles. Every path into the store (the collector, the Redis spill) converts through here, so an
 * event reads back the same whichever way it went.
 */
public final class StorableProps {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private StorableProps() {
    }

    /**
     * Keys MongoDB would read as operators or paths ({@code $...}, dotted, empty, NUL) are refused rather than
     * escaped: an escaped key would no longer match what the app's analysts query by.
     */
    public static Map<String, Object> of(JsonNode object) throws InvalidProps {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            if (key.isEmpty() || key.startsWith("$") || key.indexOf('.') >= 0 || key.indexOf('\0') >= 0) {
                throw new InvalidProps(RejectReason.INVALID_PROPS_KEY,
                        "props key '" + EventValidator.abbreviate(key) + "' is not allowed: keys may not be empty, "
                                + "start with '$', or contain '.' or NUL");
            }
            out.put(key, value(field.getValue()));
        }
        return out;
    }

    private static Object value(JsonNode value) throws InvalidProps {
        switch (value.getNodeType()) {
            case OBJECT:
                return of(value);
            case ARRAY: {
                List<Object> list = new ArrayList<>(value.size());
                for (JsonNode element : value) {
                    list.add(value(element));
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
                        throw new InvalidProps(RejectReason.INVALID_PROPS, "props number out of the 64-bit range");
                    }
                    return value.longValue();
                }
                double d = value.doubleValue();
                if (Double.isInfinite(d) || Double.isNaN(d)) {
                    throw new InvalidProps(RejectReason.INVALID_PROPS, "props number out of the double range");
                }
                return d;
            default:
                throw new InvalidProps(RejectReason.INVALID_PROPS, "props holds a value that is not JSON");
        }
    }

    /** Why props cannot be stored. */
    public static final class InvalidProps extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RejectReason reason;

        InvalidProps(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public RejectReason reason() {
            return reason;
        }
    }
}
