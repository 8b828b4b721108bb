package dev.harrow.backend.spill;

import dev.harrow.backend.event.TelemetryEvent;
import java.util.List;

/** Spilled batches handed to a drainer, identified so that they can be acknowledged. */
public record SpillLease(List<String> batchIds, List<TelemetryEvent> events) {
    public static final SpillLease EMPTY = new SpillLease(List.of(), List.of());

    public SpillLease {
        batchIds = List.copyOf(batchIds);
        events = List.copyOf(events);
    }

    public boolean isEmpty() {
        return batchIds.isEmpty();
    }
}
