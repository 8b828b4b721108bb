package dev.harrow.backend.store;

import dev.harrow.backend.ops.StoreHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether writes reach the store, told truthfully: {@code ready} only when new events go to MongoDB and nothing waits
 * for an operator; {@code degraded} (still taking writes, so a load balancer keeps the instance) while the breaker
 * sends writes to the spill, while the spill holds events and is not shrinking, or while dead letters wait to be
 * looked at; {@code unavailable} when no store takes writes.
 */
public final class WriteReadiness {
    public static final String READY = "ready";
    public static final String DEGRADED = "degraded";
    public static final String UNAVAILABLE = "unavailable";

    /**
     * The verdict and the figures behind it.
     *
     * @param reasons why it is not {@code ready}; empty when it is
     */
    public record Report(String status, List<String> reasons, Map<String, Object> detail) {
    }

    private final StoreHealth health;
    private final StoreCircuitBreaker breaker;
    private final SpillDrainer drainer;
    private final DeadLetters deadLetters;
    private final String primaryName;
    private final String spillName;

    /** @param drainer null when there is no spill */
    public WriteReadiness(StoreHealth health, StoreCircuitBreaker breaker, SpillDrainer drainer,
                          DeadLetters deadLetters, String primaryName, String spillName) {
        this.health = health;
        this.breaker = breaker;
        this.drainer = drainer;
        this.deadLetters = deadLetters;
        this.primaryName = primaryName;
        this.spillName = spillName;
    }

    public Report report() {
        boolean primaryUp = health.isUp(primaryName);
        boolean spillUp = drainer != null && health.isUp(spillName);
        StoreCircuitBreaker.State circuit = breaker.state();
        List<String> reasons = new ArrayList<>();
        if (!primaryUp) {
            reasons.add("MongoDB does not answer" + (spillUp ? ": writes are held in the Redis spill" : ""));
        } else if (circuit != StoreCircuitBreaker.State.CLOSED) {
            reasons.add("the MongoDB circuit is " + circuit.name().toLowerCase(Locale.ROOT)
                    + ": writes are held in the Redis spill");
        }
        long depth = drainer == null ? 0 : drainer.lastDepth();
        if (drainer != null && drainer.stalled()) {
            reasons.add("the spill holds " + depth + " events and none moved to MongoDB for "
                    + SpillDrainer.STALL_AFTER.toSeconds() + " s");
        }
        if (drainer != null && depth < 0) {
            reasons.add("the Redis spill cannot be read: no fallback while MongoDB is down");
        }
        long pending = deadLettersPending();
        if (pending > 0) {
            reasons.add(pending + " dead-lettered event(s) wait to be retried or dismissed (GET /admin/v1/dead-letters)");
        }
        String status = !primaryUp && !spillUp ? UNAVAILABLE : reasons.isEmpty() ? READY : DEGRADED;

        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("stores", health.snapshot());
        detail.put("spillDepth", depth);
        Instant oldest = drainer == null ? null : drainer.oldestSpilledAt();
        detail.put("spillOldestAgeSeconds", oldest == null ? 0
                : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0));
        detail.put("spillDrainRate", drainer == null ? 0 : Math.round(drainer.drainRate() * 10) / 10.0);
        detail.put("mongodbCircuit", circuit.name().toLowerCase(Locale.ROOT));
        detail.put("deadLetters", pending);
        return new Report(status, reasons, detail);
    }

    /** Dead letters waiting for an operator, as last counted (after every change, and every second). */
    public long deadLettersPending() {
        return deadLetters.pendingRecently();
    }
}
