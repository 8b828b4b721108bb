package dev.harrow.backend.analytics;

import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.EventRules;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Sends a seeded population (see {@link AnalyticsDataset}) through the events API, four requests at a time. */
public final class AnalyticsFixtures {
    private AnalyticsFixtures() {
    }

    /**
     * {@code config} taking events of the past months through the collector, as a backfill does: the datasets here
     * span months before today, beyond the default age an event may have ({@link EventRules}).
     */
    public static BackendConfig backfill(BackendConfig config) {
        EventRules rules = config.limits().rules();
        return config.withLimits(config.limits().withRules(new EventRules(Duration.ofDays(3650), rules.maxAhead(),
                rules.maxPurchaseAmount(), rules.maxSessionLength())));
    }

    /** Returns how many events went in. */
    public static int ingest(BackendClient client, String appKey, long seed, int users, LocalDate first, int days) {
        List<AnalyticsDataset.Event> events = AnalyticsDataset.generate(seed, users, first, days);
        send(client, appKey, events);
        return events.size();
    }

    public static void send(BackendClient client, String appKey, List<AnalyticsDataset.Event> events) {
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int from = 0; from < events.size(); from += 500) {
                List<Map<String, Object>> batch = events.subList(from, Math.min(events.size(), from + 500)).stream()
                        .map(AnalyticsDataset.Event::wire).toList();
                sent.add(CompletableFuture.runAsync(() -> client.send(appKey, batch), senders));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } finally {
            senders.shutdown();
        }
    }
}
