package dev.harrow.backend.store;

import dev.harrow.backend.ops.BackendMetrics;
import dev.harrow.backend.spill.SpillLease;
import dev.harrow.backend.spill.SpillQueue;
import dev.harrow.backend.spill.SpillUnavailableException;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves spilled batches back to MongoDB once it answers: lease a few batches, store them (idempotently: a batch
 * stored before a crash comes back as duplicates), then acknowledge them. A batch is never acknowledged before
 * MongoDB has it, so a drainer killed at any point loses nothing. Its attempts go through the breaker, so the
 * drainer is also the probe that finds MongoDB back when no client is writing.
 *
 * <p>The drain always moves forward: events the store refuses are dead-lettered by the store and the lease is
 * settled; a lease that fails {@value #ISOLATE_AFTER} times while MongoDB answers its ping is written again with
 * every failure traced to the events at fault ({@link EventStore#appendIsolating}), so no batch is tried for ever.
 */
public final class SpillDrainer implements AutoCloseable {
    static final Duration IDLE_PAUSE = Duration.ofMillis(200);
    static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);
    static final int MAX_EVENTS_PER_WRITE = 1000;
    /** Failed attempts at one lease, while the store answers, before its events are written one fault at a time. */
    static final int ISOLATE_AFTER = 3;
    /** The spill counts as stalled when it holds events and moved none for this long. */
    static final Duration STALL_AFTER = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(SpillDrainer.class);

    private final SpillQueue spill;
    private final EventStore primary;
    private final StoreCircuitBreaker breaker;
    private final BackendMetrics metrics;
    private final int batchesPerRound;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastDepth;
    private volatile Instant oldestSpilledAt;
    private volatile long lastProgressNanos = System.nanoTime();
    private final DrainRate rate = new DrainRate(Duration.ofMinutes(1));
    /** Failed attempts per lease, by the lease's first batch (a lease comes back in the same order). */
    private final Map<String, Integer> failedAttempts = new HashMap<>();

    public SpillDrainer(SpillQueue spill, EventStore primary, StoreCircuitBreaker breaker, BackendMetrics metrics,
                        int batchesPerRound) {
        this.spill = spill;
        this.primary = primary;
        this.breaker = breaker;
        this.metrics = metrics;
        this.batchesPerRound = batchesPerRound;
        this.thread = new Thread(this::loop, "harrow-spill-drainer");
        this.thread.setDaemon(true);
    }

    public SpillDrainer start() {
        thread.start();
        return this;
    }

    /** Events waiting in the spill at the last look; -1 when the spill could not be read. */
    public long lastDepth() {
        return lastDepth;
    }

    /** When the oldest waiting batch was spilled, at the last look; null when nothing waits. */
    public Instant oldestSpilledAt() {
        return oldestSpilledAt;
    }

    /** Events moved back to MongoDB per second, over the last minute. */
    public double drainRate() {
        return rate.perSecond(System.nanoTime());
    }

    /** Whether events wait in the spill and none moved for {@link #STALL_AFTER}: the drain is not moving. */
    public boolean stalled() {
        return lastDepth > 0 && System.nanoTime() - lastProgressNanos > STALL_AFTER.toNanos();
    }

    private void loop() {
        long movedThisOutage = 0;
        while (running) {
            try {
                long depth = spill.depth();
                if (depth == 0 || depth < lastDepth) {
                    lastProgressNanos = System.nanoTime();
                }
                lastDepth = depth;
                oldestSpilledAt = depth == 0 ? null : spill.oldestSpilledAt().orElse(null);
                if (lastDepth == 0) {
                    if (movedThisOutage > 0) {
                        log.info("the spill is drained: {} events moved back to MongoDB", movedThisOutage);
                        movedThisOutage = 0;
                    }
                    pause(IDLE_PAUSE);
                    continue;
                }
                if (!breaker.allowRequest()) {
                    pause(IDLE_PAUSE);
                    continue;
                }
                movedThisOutage += drainRound();
            } catch (SpillUnavailableException e) {
                lastDepth = -1;
                log.debug("spill unreadable: {}", e.getMessage());
                pause(FAILURE_PAUSE);
            } catch (RuntimeException e) {
                log.error("the spill drainer failed a round; it goes on", e);
                pause(FAILURE_PAUSE);
            }
        }
    }

    /**
     * One round: lease, store, acknowledge. The caller holds a breaker permit; every path gives it back. Returns
     * how many events it moved.
     */
    int drainRound() throws SpillUnavailableException {
        SpillLease lease;
        try {
            lease = spill.lease(batchesPerRound);
        } catch (SpillUnavailableException e) {
            breaker.cancelProbe();
            throw e;
        }
        if (lease.isEmpty()) {
            // what waits is leased by another instance that is still within its lease
            breaker.cancelProbe();
            pause(IDLE_PAUSE);
            return 0;
        }
        String leaseKey = lease.batchIds().get(0);
        boolean isolate = failedAttempts.getOrDefault(leaseKey, 0) >= ISOLATE_AFTER;
        int duplicates = 0;
        int deadLettered = 0;
        long start = System.nanoTime();
        try {
            // Small spilled batches are leased many at a time; large ones are written back in bounded chunks.
            List<TelemetryEvent> events = lease.events();
            for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_WRITE) {
                List<TelemetryEvent> chunk = events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_WRITE));
                AppendResult result = isolate ? primary.appendIsolating(chunk) : primary.append(chunk);
                duplicates += result.duplicates();
                deadLettered += result.deadLettered();
            }
            metrics.storeWrite("mongodb", true, System.nanoTime() - start);
            breaker.recordSuccess();
        } catch (StoreUnavailableException e) {
            // Not acknowledged: the lease stays with this instance and the next round tries it again.
            metrics.storeWrite("mongodb", false, System.nanoTime() - start);
            breaker.recordFailure();
            if (primary.ping()) {
                // The store answers, yet this lease failed: count it, so that it is isolated before long.
                int attempts = failedAttempts.merge(leaseKey, 1, Integer::sum);
                if (attempts == ISOLATE_AFTER) {
                    log.warn("spilled batch {} failed {} times while MongoDB answers ({}); its events are written "
                            + "again with every failure traced to the events at fault", leaseKey, attempts,
                            e.getMessage());
                }
            }
            pause(FAILURE_PAUSE);
            return 0;
        }
        spill.acknowledge(lease);
        failedAttempts.remove(leaseKey);
        int moved = lease.events().size();
        metrics.drained(moved, duplicates);
        rate.add(System.nanoTime(), moved);
        lastProgressNanos = System.nanoTime();
        if (deadLettered > 0) {
            log.warn("drained {} spilled events; {} of them were refused by MongoDB and dead-lettered", moved,
                    deadLettered);
        }
        log.debug("drained {} spilled events ({} already in MongoDB)", moved, duplicates);
        return moved;
    }

    private void pause(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
