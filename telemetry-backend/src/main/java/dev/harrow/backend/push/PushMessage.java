package dev.harrow.backend.push;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A push as the admin asked for it. Its deliveries (one per targeted device) carry the rest of its life.
 *
 * @param idempotencyKey a second request with the same key returns this message instead of sending again
 * @param targeted how many devices it was expanded to (known once {@code expanded})
 */
public record PushMessage(String id, String appId, String idempotencyKey, PushTarget target, PushContent content,
                          PushSchedule schedule, Instant createdAt, boolean expanded, boolean cancelled,
                          int targeted) {

    /** What is wrong with a request, as field: reason; empty when it can be accepted. */
    public static List<String> problems(String idempotencyKey, PushTarget target, PushContent content,
                                        PushSchedule schedule) {
        List<String> problems = new ArrayList<>();
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            problems.add("idempotencyKey: 1 to 200 characters");
        }
        if (target == null) {
            problems.add("target: required");
        } else {
            problems.addAll(target.problems());
        }
        if (content == null) {
            problems.add("content: required");
        } else {
            problems.addAll(content.problems());
        }
        if (schedule != null) {
            problems.addAll(schedule.problems());
        }
        return problems;
    }
}
