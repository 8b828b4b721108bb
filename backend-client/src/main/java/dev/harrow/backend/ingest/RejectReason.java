package dev.harrow.backend.ingest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why one event of a batch was rejected. Rejections are final: the client drops the event, since sending it again
 * cannot make it valid. The wire code is stable; clients may count by it.
 */
public enum RejectReason {
    NOT_AN_OBJECT("not_an_object"),
    MISSING_EVENT_ID("missing_event_id"),
    INVALID_EVENT_ID("invalid_event_id"),
    MISSING_TYPE("missing_type"),
    INVALID_TYPE("invalid_type"),
    MISSING_TS("missing_ts"),
    INVALID_TS("invalid_ts"),
    TS_OUT_OF_RANGE("ts_out_of_range"),
    MISSING_DEVICE_ID("missing_device_id"),
    INVALID_DEVICE_ID("invalid_device_id"),
    INVALID_USER_ID("invalid_user_id"),
    INVALID_SESSION_ID("invalid_session_id"),
    INVALID_APP_VERSION("invalid_app_version"),
    INVALID_PLATFORM("invalid_platform"),
    INVALID_PROPS("invalid_props"),
    INVALID_PROPS_KEY("invalid_props_key"),
    TOO_DEEPLY_NESTED("too_deeply_nested"),
    EVENT_TOO_LARGE("event_too_large"),
    INVALID_AMOUNT("invalid_amount"),
    UNKNOWN_PUSH("unknown_push"),
    RECEIPT_OUT_OF_RANGE("receipt_out_of_range");

    private final String wire;

    RejectReason(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    static RejectReason fromWire(String value) {
        for (RejectReason r : values()) {
            if (r.wire.equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reject reason: " + value);
    }
}
