package dev.harrow.backend.store;

import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.spill.SpillQueue;
import dev.harrow.backend.spill.SpillUnavailableException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MongoDB first, the Redis spill when MongoDB cannot take a write: an accepted batch is durably in one of them
 * before it is acknowledged, and when neither can take it nothing is acknowledged (the collector answers 503).
 * A circuit breaker keeps writes from waiting on MongoDB's timeout while it is down; {@link SpillDrainer} moves
 * the spill back once it returns. Queries always read MongoDB.
 */
public final class FallbackEventStore implements EventStore {
    private static final Logger log = LoggerFactory.getLogger(FallbackEventStore.class);

    private final EventStore primary;
    private final SpillQueue spill;
    private final StoreCircuitBreaker breaker;
    private final BackendMetrics metrics;

    /** @param spill null when the spill is off: then a MongoDB failure is a 503 */
    public FallbackEventStore(EventStore primary, SpillQueue spill, StoreCircuitBreaker breaker,
                              BackendMetrics metrics) {
        this.primary = primary;
        this.spill = spill;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    @Override
    public AppendResult append(List<TelemetryEvent> events) throws StoreUnavailableException {
        if (events.isEmpty()) {
            return AppendResult.NOTHING;
        }
        StoreUnavailableException primaryFailure = null;
        if (breaker.allowRequest()) {
            long start = System.nanoTime();
            try {
                AppendResult result = primary.append(events);
                metrics.storeWrite("mongodb", true, System.nanoTime() - start);
                breaker.recordSuccess();
                return result;
            } catch (StoreUnavailableException e) {
                metrics.storeWrite("mongodb", false, System.nanoTime() - start);
                StoreCircuitBreaker.State before = breaker.state();
                breaker.recordFailure();
                if (before == StoreCircuitBreaker.State.CLOSED) {
                    log.warn("MongoDB failed a write, spilling to Redis while it is down: {}", e.getMessage());
                }
                primaryFailure = e;
            }
        }
        if (spill == null) {
            throw primaryFailure != null ? primaryFailure
                    : new StoreUnavailableException("MongoDB is down and no spill is configured", null);
        }
        long start = System.nanoTime();
        try {
            spill.append(events);
            metrics.storeWrite("redis", true, System.nanoTime() - start);
            return AppendResult.spilled(events.size());
        } catch (SpillUnavailableException e) {
            metrics.storeWrite("redis", false, System.nanoTime() - start);
            StoreUnavailableException failure = new StoreUnavailableException(
                    "neither MongoDB nor the Redis spill can take the write: " + e.getMessage(), e);
            if (primaryFailure != null) {
                failure.addSuppressed(primaryFailure);
            }
            throw failure;
        }
    }

    @Override
    public List<TelemetryEvent> find(EventQuery query) throws StoreUnavailableException {
        return primary.find(query);
    }

    @Override
    public long count(EventQuery query) throws StoreUnavailableException {
        return primary.count(query);
    }

    /** Ready while at least one durable store accepts writes. */
    @Override
    public boolean ping() {
        return primary.ping() || (spill != null && spill.ping());
    }

    public StoreCircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public void close() {
        primary.close();
        if (spill != null) {
            spill.close();
        }
    }
}
