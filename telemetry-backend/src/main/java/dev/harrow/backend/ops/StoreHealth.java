package dev.harrow.backend.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether each store answers, checked in the background every {@code interval}, so that a readiness probe is
 * answered at once even while a store hangs. Each store is also a gauge {@code harrow_store_up{store=...}}.
 */
public final class StoreHealth implements AutoCloseable {
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final java.util.List<Runnable> refreshers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "harrow-store-health");
        t.setDaemon(true);
        return t;
    });
    private final Duration interval;
    private final BackendMetrics metrics;

    public StoreHealth(Duration interval, BackendMetrics metrics) {
        this.interval = interval;
        this.metrics = metrics;
    }

    /** Adds a store to watch; checked once now, so the first probe already knows. */
    public StoreHealth watch(String store, BooleanSupplier check) {
        checks.put(store, check);
        up.put(store, safely(check));
        metrics.gauge("harrow_store_up", "Whether a store answered its last health check (1) or not (0).",
                () -> Boolean.TRUE.equals(up.get(store)) ? 1 : 0, "store", store);
        return this;
    }

    /**
     * Also runs {@code refresh} after each round of checks: for figures that need a query (counts) but must be
     * answered at once by probes and scrapes, which then read what it last found.
     */
    public StoreHealth alsoRefresh(Runnable refresh) {
        refreshers.add(refresh);
        refresh.run();
        return this;
    }

    public StoreHealth start() {
        scheduler.scheduleWithFixedDelay(this::checkAll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    public boolean isUp(String store) {
        return Boolean.TRUE.equals(up.get(store));
    }

    /** Whether any watched store answers. */
    public boolean anyUp() {
        return up.values().stream().anyMatch(Boolean::booleanValue);
    }

    public Map<String, Boolean> snapshot() {
        return Map.copyOf(up);
    }

    private void checkAll() {
        checks.forEach((store, check) -> up.put(store, safely(check)));
        for (Runnable refresh : refreshers) {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                // a figure that cannot be refreshed keeps its last value
            }
        }
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
