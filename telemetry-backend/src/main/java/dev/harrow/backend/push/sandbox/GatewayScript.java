package dev.harrow.backend.push.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a sandbox gateway answers for a token instead of accepting: a refusal with the gateway's own reason, the
 * next {@code times} times (or always), optionally with a {@code Retry-After}. Tests and fault scenarios script it;
 * every token not scripted is accepted.
 */
public final class GatewayScript {
    /** A scripted answer. {@code times} below 0 means every time. */
    public record Answer(String reason, Duration retryAfter, int times) {
    }

    private final Map<String, Answer> byToken = new ConcurrentHashMap<>();

    public void answer(String token, String reason, Duration retryAfter, int times) {
        byToken.put(token, new Answer(reason, retryAfter, times));
    }

    public void always(String token, String reason) {
        answer(token, reason, null, -1);
    }

    public void clear() {
        byToken.clear();
    }

    /** The answer for this send of {@code token}, used up by it; empty to accept. */
    Optional<Answer> take(String token) {
        Answer[] taken = new Answer[1];
        byToken.computeIfPresent(token, (t, a) -> {
            taken[0] = a;
            if (a.times() < 0) {
                return a;
            }
            return a.times() <= 1 ? null : new Answer(a.reason(), a.retryAfter(), a.times() - 1);
        });
        return Optional.ofNullable(taken[0]);
    }
}
