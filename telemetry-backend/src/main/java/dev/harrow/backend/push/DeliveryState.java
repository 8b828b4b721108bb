package dev.harrow.backend.push;

import java.util.Locale;

/** Where one device's copy of a push is. Only PENDING and CLAIMED can still change. */
public enum DeliveryState {
    /** Waiting for its moment (or its next attempt). */
    PENDING,
    /** Taken by one backend instance, which is sending it; its lease says until when. */
    CLAIMED,
    /** The gateway took it: APNs answered 200, FCM returned a message name. */
    ACCEPTED,
    /** The gateway refused it for good (a dead token, a bad payload): never retried. */
    REJECTED,
    /** Every attempt ended in a transient failure. */
    FAILED,
    /** Its message was cancelled before it went out. */
    CANCELLED,
    /** Its moment passed longer ago than the push's TTL. */
    EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
