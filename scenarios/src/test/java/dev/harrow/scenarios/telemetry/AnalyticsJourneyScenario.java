package dev.harrow.scenarios.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.analytics.MetricsEndpoint;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.Json;
import dev.harrow.device.Device;
import dev.harrow.scenario.Backend;
import dev.harrow.scenario.Evidence;
import dev.harrow.scenario.ExactlyOnce;
import dev.harrow.scenario.OwnBackend;
import dev.harrow.scenario.Scenario;
import dev.harrow.scenarios.shop.Breakage;
import dev.harrow.scenarios.shop.ShopApp;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A scripted shopper's day: one session, two items bought (24.00 + 14.00 EUR), an app restart in the middle. The
 * metrics API must count exactly that: one active user, one session, the screens, two purchases by one payer, 38.00
 * in revenue. On a backend of its own, so that the figures are this device's alone.
 */
@Scenario
@Epic("Analytics")
@Feature("Metrics from devices")
class AnalyticsJourneyScenario {
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final ObjectMapper JSON = Json.mapper();

    @Test
    @Story("A scripted journey produces exactly the expected DAU, sessions, revenue and funnel")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("a scripted shopping journey yields exactly its DAU, sessions, page views, payers and revenue")
    void aScriptedJourneyYieldsExactlyItsMetrics(Device device, Backend shared) {
        try (OwnBackend backend = shared.startOwn(Breakage::own)) {
            ShopApp app = Allure.step("install the shop afresh and launch it", () -> ShopApp.launchFresh(device,
                    backend));
            Allure.step("buy a trail lantern", () -> app.openCatalog().openItem("trail-lantern").buy());
            Allure.step("the app is swiped away and opened again (the session goes on)", app::restart);
            Allure.step("buy a wool beanie", () -> app.openCatalog().openItem("wool-beanie").buy());
            List<TelemetryEvent> stored = Allure.step("every event is stored",
                    () -> ExactlyOnce.await(backend, device, app, DELIVERY));
            assertThat(ExactlyOnce.screens(stored)).as("screens seen").containsExactly("home", "catalog", "item",
                    "purchased", "home", "catalog", "item", "purchased");

            // Rollups are written with the events: read them once everything is stored. Days in UTC, the
            // backend's default zone; the journey may straddle midnight, so two days are asked and added.
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            String answer = backend.client().metrics(MetricsEndpoint.METRICS, Map.of("from",
                    today.minusDays(1).toString(), "to", today.toString(), "tz", "UTC", "by", "day"));
            Evidence.text("Metrics API answer", answer);
            JsonNode rows = read(answer).get("rows");
            assertThat(max(rows, "active_users")).as("DAU").isEqualTo(1);
            assertThat(sum(rows, "new_users")).as("new users").isEqualTo(1);
            assertThat(sum(rows, "sessions")).as("sessions").isEqualTo(1);
            assertThat(sum(rows, "page_views")).as("page views (funnel: screens)").isEqualTo(8);
            assertThat(max(rows, "unique_viewers")).as("unique viewers (funnel: viewers)").isEqualTo(1);
            assertThat(max(rows, "payers")).as("payers (funnel: payers)").isEqualTo(1);
            assertThat(sumEvents(rows, "purchase")).as("purchases").isEqualTo(2);
            BigDecimal revenue = BigDecimal.ZERO;
            for (JsonNode row : rows) {
                revenue = revenue.add(row.get("revenue").decimalValue());
            }
            assertThat(revenue).as("revenue").isEqualByComparingTo("38.00");
        }
    }

    private static JsonNode read(String answer) {
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sum(JsonNode rows, String metric) {
        long total = 0;
        for (JsonNode row : rows) {
            total += row.path(metric).asLong();
        }
        return total;
    }

    private static long max(JsonNode rows, String metric) {
        long most = 0;
        for (JsonNode row : rows) {
            most = Math.max(most, row.path(metric).asLong());
        }
        return most;
    }

    private static long sumEvents(JsonNode rows, String type) {
        long total = 0;
        for (JsonNode row : rows) {
            total += row.path("events").path(type).asLong();
        }
        return total;
    }
}
