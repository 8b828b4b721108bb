package dev.harrow.backend.spill;

import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.util.List;

/**
 * A dead letter held by the spill.
 *
 * @param id its handle in the spill
 * @param events what it holds; empty when the entry could not be read back (then {@code error} says so)
 */
public record SpillDeadLetter(String id, Instant at, String error, List<TelemetryEvent> events) {
    public SpillDeadLetter {
        events = List.copyOf(events);
    }
}
