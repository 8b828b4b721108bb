package dev.harrow.backend.ingest;

import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a push receipt ({@code push_delivered}, {@code push_opened}, {@code push_dismissed}) is about a push that was
 * sent to its device, and dated plausibly: otherwise anyone with the app key could fill the delivery figures. The push
 * service answers it; without one every receipt is taken as an event like any other.
 */
@FunctionalInterface
public interface ReceiptCheck {
    ReceiptCheck NONE = (receipt, now) -> Optional.empty();

    /** Why {@code receipt} is refused, or empty when it is taken. */
    Optional<Refusal> check(TelemetryEvent receipt, Instant now);

    /** A receipt refused, and why. */
    record Refusal(RejectReason reason, String message) {
    }
}
