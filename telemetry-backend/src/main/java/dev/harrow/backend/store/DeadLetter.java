package dev.harrow.backend.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;

/**
 * An accepted event that no store would take, kept with the reason until an operator retries or dismisses it.
 *
 * @param id the handle to retry or dismiss it by
 * @param heldIn {@code store} (MongoDB's {@code dead_letters} collection) or {@code spill} (the Redis spill's list of
 *        last resort)
 * @param status {@code new} until someone looked at it, then {@code dismissed}
 * @param event the event; null for a spilled batch that could not be read back (the error says so)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, String heldIn, String status, String error, int attempts, Instant firstAt,
                         Instant lastAt, TelemetryEvent event) {
    public static final String NEW = "new";
    public static final String DISMISSED = "dismissed";
}
