package dev.harrow.backend.store;

import java.util.Set;

/**
 * Which collection an event is stored in. Uses are kept apart: analytics queries never scan device logs, and push
 * receipts are read by message, not by device timeline.
 */
public enum StoredKind {
    /** Analytics events: sessions, screens, purchases, custom events. */
    EVENTS("events"),
    /** Log lines the app or the device reported (type {@code log}). */
    LOGS("logs"),
    /** Push delivery receipts (types {@code push_delivered}, {@code push_opened}, {@code push_dismissed}). */
    PUSH_RECEIPTS("push_receipts");

    static final Set<String> RECEIPT_TYPES = Set.of("push_delivered", "push_opened", "push_dismissed");

    private final String collection;

    StoredKind(String collection) {
        this.collection = collection;
    }

    public String collection() {
        return collection;
    }

    public static StoredKind forType(String type) {
        if (type.equals("log")) {
            return LOGS;
        }
        return RECEIPT_TYPES.contains(type) ? PUSH_RECEIPTS : EVENTS;
    }
}
