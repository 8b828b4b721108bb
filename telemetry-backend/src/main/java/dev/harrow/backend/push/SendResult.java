package dev.harrow.backend.push;

import java.time.Duration;
import java.time.Instant;

/**
 * A gateway's answer for one push, reduced to what the dispatcher acts on.
 *
 * @param reason the gateway's own word for a refusal ({@code Unregistered}, {@code UNREGISTERED}, ...)
 * @param deactivateToken whether the answer proves the token dead
 * @param tokenInvalidAt since when the token is dead (APNs says; otherwise the answer's time): a registration
 *        newer than this keeps the token active
 * @param retryAfter how long the gateway asked us to wait, when it did
 */
public record SendResult(Outcome outcome, String reason, boolean deactivateToken, Instant tokenInvalidAt,
                         Duration retryAfter, String gatewayId) {

    /** What happened. */
    public enum Outcome {
        ACCEPTED, REJECTED, RETRY
    }

    public static SendResult accepted(String gatewayId) {
        return new SendResult(Outcome.ACCEPTED, null, false, null, null, gatewayId);
    }

    public static SendResult rejected(String reason) {
        return new SendResult(Outcome.REJECTED, reason, false, null, null, null);
    }

    public static SendResult deadToken(String reason, Instant invalidAt) {
        return new SendResult(Outcome.REJECTED, reason, true, invalidAt, null, null);
    }

    public static SendResult retry(String reason, Duration retryAfter) {
        return new SendResult(Outcome.RETRY, reason, false, null, retryAfter, null);
    }
}
