package dev.harrow.backend.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AnalyticsSettings;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A seeded population of 20,000 users over 60 days goes in through the events API; every metric the metrics API
 * answers, in three time zones, by day, week and month, filtered and not, and retention N-day and unbounded, must
 * equal what {@link MetricsOracle} computes from the raw events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsOracleTest {
    static final String KEY = "metrics-app-key-01";
    static final String ADMIN = "metrics-admin-token-01";
    static final LocalDate FIRST = LocalDate.parse("2026-08-01");
    static final int DAYS = 60;
    static final ObjectMapper JSON = new ObjectMapper();

    TelemetryBackend backend;
    BackendClient client;
    List<AnalyticsDataset.Event> events;

    @BeforeAll
    void ingest() {
        events = AnalyticsDataset.generate(20261122L, 20_000, FIRST, DAYS);
        BackendConfig config = AnalyticsFixtures.backfill(BackendConfig.embedded(List.of(new AppKey("shop", KEY)),
                ADMIN)).withAnalytics(AnalyticsSettings.of(List.of("UTC", "Asia/Tokyo", "America/New_York")));
        backend = TelemetryBackend.start(config);
        client = new BackendClient(backend.baseUri(), ADMIN);
        // As devices deliver: mostly in order, but one device in five was offline and sends its events up to five days
        // late, so first days and session starts move back as earlier events arrive after later ones.
        Random late = new Random(11);
        Map<String, Long> delays = new HashMap<>();
        List<AnalyticsDataset.Event> arrival = new ArrayList<>(events);
        arrival.sort(Comparator.comparing(e -> e.ts().plusSeconds(delays.computeIfAbsent(e.device(),
                d -> late.nextInt(5) == 0 ? late.nextLong(5 * 86_400L) : 0L))));
        AnalyticsFixtures.send(client, KEY, arrival);
    }

    @AfterAll
    void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theDatasetIsTheSizeTheMetricsNeed() {
        assertThat(events).hasSizeGreaterThanOrEqualTo(200_000);
        assertThat(events.stream().map(AnalyticsDataset.Event::user).distinct().count()).isEqualTo(20_000);
        assertThat(events.stream().filter(e -> e.amount() != null).count()).isGreaterThan(1000);
    }

    @Test
    void dailyMetricsInUtcEqualTheOracle() throws Exception {
        assertSeries("UTC", "day", FIRST.toString(), FIRST.plusDays(DAYS - 1).toString(), null, null);
    }

    @Test
    void weeklyMetricsInTokyoForIosEqualTheOracle() throws Exception {
        assertSeries("Asia/Tokyo", "week", FIRST.plusDays(3).toString(), FIRST.plusDays(50).toString(), "ios", null);
    }

    @Test
    void monthlyMetricsInNewYorkForOneAppVersionEqualTheOracle() throws Exception {
        assertSeries("America/New_York", "month", FIRST.toString(), FIRST.plusDays(DAYS - 1).toString(), null,
                "2.5.0");
    }

    @Test
    void nDayRetentionByDayEqualsTheOracle() throws Exception {
        assertRetention("UTC", "day", "n-day", List.of(1, 3, 7, 14, 30), null);
    }

    @Test
    void unboundedWeeklyRetentionForAndroidEqualsTheOracle() throws Exception {
        assertRetention("Asia/Tokyo", "week", "unbounded", List.of(1, 2, 4), "android");
    }

    @Test
    void rollupsRebuiltFromTheRawEventsGiveTheSameFigures() throws Exception {
        assertThat(client.rebuildMetrics("shop").get("state").asText()).isEqualTo("running");
        assertThatThrownBy(() -> client.metrics(MetricsEndpoint.METRICS, Map.of("from", "2026-08-01", "to",
                "2026-08-02"))).hasMessageContaining("503").hasMessageContaining("rebuilt");
        await().atMost(Duration.ofMinutes(3)).until(() -> client.metricsRebuild("shop").get("state").asText(),
                "done"::equals);
        assertThat(client.metricsRebuild("shop").get("eventsRead").asLong()).isEqualTo(events.size());
        assertSeries("Asia/Tokyo", "day", FIRST.plusDays(20).toString(), FIRST.plusDays(34).toString(), null, null);
    }

    @Test
    void csvExportCarriesTheSameFigures() throws Exception {
        String csv = client.metrics(MetricsEndpoint.METRICS, Map.of("from", FIRST.toString(), "to",
                FIRST.plusDays(6).toString(), "tz", "UTC", "format", "csv"));
        String[] lines = csv.split("\n");
        assertThat(lines).hasSize(8);
        List<String> header = List.of(lines[0].split(","));
        assertThat(header).startsWith("period", "days", "active_users", "dau").contains("events.level.up");
        List<Map<String, Object>> expected = new MetricsOracle(events, ZoneId.of("UTC"), null, null)
                .series(FIRST, FIRST.plusDays(6), "day");
        for (int i = 0; i < 7; i++) {
            List<String> cells = List.of(lines[i + 1].split(",", -1));
            assertThat(cells.get(header.indexOf("period"))).isEqualTo(expected.get(i).get("period"));
            assertThat(cells.get(header.indexOf("active_users")))
                    .isEqualTo(String.valueOf(expected.get(i).get("active_users")));
            assertThat(cells.get(header.indexOf("revenue"))).isEqualTo(String.valueOf(expected.get(i).get("revenue")));
        }
    }

    @Test
    void badQueriesAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> client.metrics(MetricsEndpoint.METRICS, Map.of("from", "2026-08-01", "to",
                "2026-08-02", "tz", "Europe/Paris"))).hasMessageContaining("400").hasMessageContaining("Europe/Paris");
        assertThatThrownBy(() -> client.metrics(MetricsEndpoint.METRICS, Map.of("from", "2026-08-05", "to",
                "2026-08-01"))).hasMessageContaining("400").hasMessageContaining("before");
        assertThatThrownBy(() -> client.metrics(MetricsEndpoint.METRICS, Map.of("from", "yesterday", "to",
                "2026-08-01"))).hasMessageContaining("400").hasMessageContaining("not a date");
        assertThatThrownBy(() -> client.metrics(MetricsEndpoint.RETENTION, Map.of("from", "2026-08-01", "to",
                "2026-08-02", "by", "month"))).hasMessageContaining("400");
    }

    void assertSeries(String tz, String by, String from, String to, String platform, String version)
            throws Exception {
        Map<String, String> query = new java.util.LinkedHashMap<>(Map.of("from", from, "to", to, "tz", tz, "by", by));
        if (platform != null) {
            query.put("platform", platform);
        }
        if (version != null) {
            query.put("appVersion", version);
        }
        JsonNode actual = JSON.readTree(client.metrics(MetricsEndpoint.METRICS, query)).get("rows");
        JsonNode expected = JSON.readTree(JSON.writeValueAsString(new MetricsOracle(events, ZoneId.of(tz), platform,
                version).series(LocalDate.parse(from), LocalDate.parse(to), by)));
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("period %s", expected.get(i).get("period")).isEqualTo(expected.get(i));
        }
    }

    void assertRetention(String tz, String by, String mode, List<Integer> offsets, String platform)
            throws Exception {
        Map<String, String> query = new java.util.LinkedHashMap<>(Map.of("from", FIRST.toString(), "to",
                FIRST.plusDays(40).toString(), "tz", tz, "by", by, "mode", mode, "offsets",
                String.join(",", offsets.stream().map(String::valueOf).toList())));
        if (platform != null) {
            query.put("platform", platform);
        }
        JsonNode actual = JSON.readTree(client.metrics(MetricsEndpoint.RETENTION, query)).get("rows");
        MetricsOracle oracle = new MetricsOracle(events, ZoneId.of(tz), platform, null);
        LocalDate asOf = new MetricsOracle(events, ZoneId.of(tz), null, null).lastDay();
        JsonNode expected = JSON.readTree(JSON.writeValueAsString(oracle.retention(FIRST, FIRST.plusDays(40), by,
                mode.equals("unbounded"), offsets, asOf)));
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("cohort %s", expected.get(i).get("cohort")).isEqualTo(expected.get(i));
        }
    }
}
