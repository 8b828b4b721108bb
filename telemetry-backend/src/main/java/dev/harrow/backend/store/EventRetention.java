package dev.harrow.backend.store;

import dev.harrow.backend.ops.BackendMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes raw events older than the retention ({@code HARROW_RETENTION_DAYS}) in the background, in bounded chunks,
 * so that a farm's or a trial backend's data stays small. The analytics rollups are not touched: the metrics of the
 * days whose raw events are gone stay as they were (a rollup rebuild, which needs every raw event, is refused while
 * retention is on). Off unless configured.
 */
public final class EventRetention implements AutoCloseable {
    static final Duration FIRST_SWEEP = Duration.ofSeconds(30);
    static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
    static final int CHUNK = 5_000;
    public static final String DELETED = "harrow_retention_deleted_events_total";
    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    private final MongoEventStore store;
    private final Duration keep;
    private final Clock clock;
    private final BackendMetrics metrics;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "harrow-retention");
        t.setDaemon(true);
        return t;
    });

    public EventRetention(MongoEventStore store, int days, Clock clock, BackendMetrics metrics) {
        this.store = store;
        this.keep = Duration.ofDays(days);
        this.clock = clock;
        this.metrics = metrics;
    }

    public EventRetention start() {
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, FIRST_SWEEP.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Deletes every raw event older than the retention now; returns how many. */
    public long sweep() throws StoreUnavailableException {
        Instant cutoff = clock.instant().minus(keep);
        long total = 0;
        int deleted;
        do {
            deleted = store.deleteOlderThan(cutoff, CHUNK);
            total += deleted;
        } while (deleted == CHUNK && !Thread.currentThread().isInterrupted());
        if (total > 0) {
            metrics.count(DELETED, "Raw events deleted because they were older than the retention.", total);
            log.info("retention: deleted {} raw events older than {} ({} days)", total, cutoff, keep.toDays());
        }
        return total;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (StoreUnavailableException e) {
            log.debug("retention sweep skipped, the store is unavailable: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("retention sweep failed; it runs again in {} min: {}", SWEEP_EVERY.toMinutes(), e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
