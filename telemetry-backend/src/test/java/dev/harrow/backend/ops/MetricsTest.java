package dev.harrow.backend.ops;

import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    static final String KEY = "metrics-key-0001";
    static final String ADMIN = "metrics-admin-token-0001";

    @Test
    void metricsCountWhatTheCollectorDidInPrometheusTextAndNeverShowSecrets() throws Exception {
        try (TelemetryBackend backend = TelemetryBackend.start(BackendConfig.embedded(
                List.of(new AppKey("shop", KEY)), ADMIN))) {
            RawHttp http = new RawHttp(backend.baseUri());
            Map<String, Object> bad = event("dev-m", "x");
            bad.remove("type");
            Map<String, Object> good = event("dev-m", "x");
            byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("events", List.of(good, bad)));
            http.post("/v1/events", Map.of("Content-Type", "application/json", "X-App-Key", KEY), body);
            http.post("/v1/events", Map.of("Content-Type", "application/json", "X-App-Key", KEY), body);
            http.post("/v1/events", Map.of("Content-Type", "application/json"), body);

            // A batch is counted just after its answer is written: the last one may still be on its way.
            HttpResponse<String> metrics = await().atMost(Duration.ofSeconds(5)).until(
                    () -> http.request("GET", "/metrics", Map.of("Authorization", "Bearer " + ADMIN)),
                    r -> r.body().contains("harrow_ingest_batches_total{status=\"401\"} 1"));

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(metrics.body())
                    .contains("# TYPE harrow_ingest_batches_total counter")
                    .contains("harrow_ingest_batches_total{status=\"200\"} 2")
                    .contains("harrow_ingest_batches_total{status=\"401\"} 1")
                    .contains("harrow_ingest_events_accepted_total{app=\"shop\",held_in=\"store\"} 1")
                    .contains("harrow_ingest_events_duplicate_total{app=\"shop\"} 1")
                    .contains("harrow_ingest_events_rejected_total{app=\"shop\",reason=\"missing_type\"} 2")
                    .contains("# TYPE harrow_store_write_seconds histogram")
                    .contains("harrow_store_write_seconds_bucket{store=\"mongodb\",outcome=\"ok\",le=\"+Inf\"} 2")
                    .contains("harrow_store_up{store=\"mongodb\"} 1")
                    .contains("harrow_store_up{store=\"redis\"} 1")
                    .contains("harrow_spill_depth_events 0")
                    .doesNotContain(KEY).doesNotContain(ADMIN);
        }
    }
}
