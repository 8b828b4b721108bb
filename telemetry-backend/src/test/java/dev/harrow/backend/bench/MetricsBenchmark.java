package dev.harrow.backend.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.analytics.AnalyticsDataset;
import dev.harrow.backend.analytics.AnalyticsFixtures;
import dev.harrow.backend.analytics.MetricsQuery;
import dev.harrow.backend.analytics.MetricsService;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bson.Document;

/**
 * Metric query latency from the rollups against, in the same run, the same figures computed by MongoDB
 * aggregation over the raw events, on a seeded population of 100,000 users over 60 days (over 1,000,000 events)
 * sent through the events API into the embedded store.
 *
 * <p>Run: {@code mvn -pl telemetry-backend verify -Pmetrics-bench -DskipTests}.
 */
public final class MetricsBenchmark {
    static final String KEY = "bench-metrics-key-1";
    static final String ADMIN = "bench-metrics-admin-1";
    static final LocalDate FIRST = LocalDate.parse("2026-08-01");
    static final int USERS = Integer.getInteger("bench.users", 100_000);
    static final int DAYS = 60;
    static final int ROLLUP_QUERIES = 20;
    static final java.time.Duration LIMIT = java.time.Duration.ofMinutes(4);
    static final int RAW_QUERIES = 3;

    private MetricsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BackendConfig config = AnalyticsFixtures.backfill(BackendConfig.embedded(List.of(new AppKey("shop", KEY)),
                ADMIN));
        try (TelemetryBackend backend = TelemetryBackend.start(config)) {
            BackendClient client = new BackendClient(backend.baseUri(), ADMIN);
            List<AnalyticsDataset.Event> events = AnalyticsDataset.generate(7L, USERS, FIRST, DAYS);
            System.out.printf(Locale.ROOT, "Metrics benchmark: %,d events of %,d users over %d days%n",
                    events.size(), USERS, DAYS);
            long start = System.nanoTime();
            int step = 100_000;
            for (int from = 0; from < events.size(); from += step) {
                AnalyticsFixtures.send(client, KEY, events.subList(from, Math.min(events.size(), from + step)));
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "  ingested %,d of %,d (%.0f s, %,.0f events/s with rollups)%n",
                        Math.min(events.size(), from + step), events.size(), s, Math.min(events.size(), from + step) / s);
            }
            LocalDate from = FIRST.plusDays(30);
            LocalDate to = FIRST.plusDays(DAYS - 1);
            List<Double> rollup = new ArrayList<>();
            List<Double> retention = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            events = null; // the store holds them now; the heap is needed for the queries
            String uri = backend.embeddedStore().orElseThrow().connectionString();
            // The service itself, on a client without the backend's 5 s store timeout: the figures are the query
            // cost, however long it is, not a timeout.
            try (MongoClient mongo = MongoClients.create(uri)) {
                MongoDatabase db = mongo.getDatabase(config.storage().database());
                MetricsService metrics = new MetricsService(db, List.of(ZoneId.of("UTC")));
                MetricsQuery query = new MetricsQuery("shop", from, to, ZoneId.of("UTC"), MetricsQuery.Period.DAY,
                        null, null);
                long deadline = System.nanoTime() + LIMIT.toNanos();
                for (int i = 0; i < ROLLUP_QUERIES && System.nanoTime() < deadline; i++) {
                    long t = System.nanoTime();
                    metrics.series(query);
                    rollup.add((System.nanoTime() - t) / 1e6);
                    t = System.nanoTime();
                    metrics.retention("shop", from, to, ZoneId.of("UTC"), MetricsQuery.Period.DAY, false,
                            List.of(1, 3, 7, 14, 30), null, null);
                    retention.add((System.nanoTime() - t) / 1e6);
                    System.out.printf(Locale.ROOT, "  rollup query %d: metrics %,.0f ms, retention %,.0f ms%n", i + 1,
                            rollup.get(i), retention.get(i));
                }
                MongoCollection<Document> raws = db.getCollection("events");
                for (int i = 0; i < RAW_QUERIES; i++) {
                    long t = System.nanoTime();
                    int days = rawDaily(raws, from, to.plusDays(1));
                    raw.add((System.nanoTime() - t) / 1e6);
                    System.out.printf(Locale.ROOT, "  raw aggregation %d of %d: %,.0f ms (%d days)%n", i + 1,
                            RAW_QUERIES, raw.get(i), days);
                }
            }
            int queries = rollup.size();
            System.out.printf(Locale.ROOT, "%nmetrics by day over 30 days, from rollups (every metric): p50 %.0f ms, "
                    + "p95 %.0f ms (target p95 < 300 ms; %d queries)%n", pct(rollup, 50), pct(rollup, 95),
                    queries);
            System.out.printf(Locale.ROOT, "retention of 30 daily cohorts, from rollups: p50 %.0f ms, p95 %.0f ms%n",
                    pct(retention, 50), pct(retention, 95));
            System.out.printf(Locale.ROOT, "DAU, page views and revenue by day over 30 days by aggregation of the raw "
                    + "events: p50 %,.0f ms, p95 %,.0f ms (%d queries)%n", pct(raw, 50), pct(raw, 95), RAW_QUERIES);
            System.out.printf(Locale.ROOT, "rollups faster than raw aggregation: %.0fx at p50 (target >= 10x)%n",
                    pct(raw, 50) / pct(rollup, 50));
            new BenchmarkReport("metrics").note("users", USERS).note("days", DAYS).note("events", events.size())
                    .measure("rollup_metrics_query_p50", pct(rollup, 50), "ms")
                    .measure("rollup_metrics_query_p95", pct(rollup, 95), "ms", BenchmarkReport.Goal.AT_MOST, 300)
                    .measure("rollup_retention_query_p50", pct(retention, 50), "ms")
                    .measure("rollup_retention_query_p95", pct(retention, 95), "ms")
                    .measure("raw_aggregation_p50", pct(raw, 50), "ms")
                    .measure("raw_aggregation_p95", pct(raw, 95), "ms")
                    .measure("rollups_faster_than_raw_at_p50", pct(raw, 50) / pct(rollup, 50), "x",
                            BenchmarkReport.Goal.AT_LEAST, 10)
                    .write(BenchmarkReport.defaultDir());
        }
    }

    /** DAU, page views and revenue per UTC day by aggregation (stages both MongoDB and the embedded store run). */
    static int rawDaily(MongoCollection<Document> events, LocalDate from, LocalDate until) {
        Document day = new Document("$dateToString", new Document("format", "%Y-%m-%d").append("date", "$ts")
                .append("timezone", "UTC"));
        Document user = new Document("$ifNull", List.of("$u", "$d"));
        List<Document> out = events.aggregate(List.of(
                Aggregates.match(Filters.and(Filters.eq("a", "shop"),
                        Filters.gte("ts", Date.from(from.atStartOfDay().toInstant(ZoneOffset.UTC))),
                        Filters.lt("ts", Date.from(until.atStartOfDay().toInstant(ZoneOffset.UTC))))),
                Aggregates.group(new Document("day", day).append("user", user),
                        Accumulators.sum("views", new Document("$cond", List.of(
                                new Document("$eq", List.of("$t", "screen_view")), 1, 0))),
                        Accumulators.sum("revenue", new Document("$ifNull", List.of("$pr.amount", 0)))),
                Aggregates.group("$_id.day", Accumulators.sum("dau", 1), Accumulators.sum("views", "$views"),
                        Accumulators.sum("revenue", "$revenue")),
                Aggregates.sort(Sorts.ascending("_id")))).into(new ArrayList<>());
        return out.size();
    }

    static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
