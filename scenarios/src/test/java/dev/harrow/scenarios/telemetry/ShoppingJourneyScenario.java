package dev.harrow.scenarios.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.device.Device;
import dev.harrow.scenario.Backend;
import dev.harrow.scenario.Evidence;
import dev.harrow.scenario.Scenario;
import dev.harrow.scenarios.shop.ShopApp;
import io.qameta.allure.Allure;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Scenario
@Epic("Telemetry")
@Feature("Collection")
class ShoppingJourneyScenario {
    static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    @Story("A user's journey arrives in the backend")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("a shopping journey is stored once, with the device's identity and platform")
    void aShoppingJourneyIsStoredOnceWithTheDevicesIdentityAndPlatform(Device device, Backend backend) {
        ShopApp app = Allure.step("launch the shop", () -> ShopApp.launch(device, backend));
        String session = app.sessionId();
        Allure.step("browse the catalog", app::openCatalog);
        Allure.step("open the steel flask", () -> app.openItem("steel-flask"));
        Allure.step("buy it", app::buy);
        assertThat(app.text("purchase-confirmation")).contains("Steel Flask");

        List<String> expected = List.of("session_start", "screen_view", "screen_view", "screen_view", "purchase",
                "screen_view");
        List<TelemetryEvent> stored = Allure.step("wait for the backend to store the journey", () ->
                await().atMost(DELIVERY).pollInterval(Duration.ofMillis(250))
                        .until(() -> backend.eventsOfSession(device, session), events -> events.size() >= expected.size()));
        Evidence.eventTimeline("Stored events of session " + session, stored);

        assertThat(stored).extracting(TelemetryEvent::type).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(stored).allSatisfy(event -> {
            assertThat(event.deviceId()).isEqualTo(device.name());
            assertThat(event.platform().wire()).as("platform detected by the app").isEqualTo(device.platform().wire());
            assertThat(event.appVersion()).isEqualTo("1.0.0");
        });
        assertThat(stored).filteredOn(e -> e.type().equals("screen_view")).extracting(e -> e.props().get("screen"))
                .containsExactlyInAnyOrder("home", "catalog", "item", "purchased");
        TelemetryEvent purchase = stored.stream().filter(e -> e.type().equals("purchase")).findFirst().orElseThrow();
        assertThat(purchase.props()).containsEntry("itemId", "steel-flask").containsEntry("currency", "EUR")
                .containsEntry("amount", 19.9);

        // What the app believes it delivered agrees with what the backend stored.
        @SuppressWarnings("unchecked")
        Map<String, Object> counters = (Map<String, Object>) app.telemetry().get("counters");
        assertThat(((Number) counters.get("sent")).intValue()).isEqualTo(expected.size());
        assertThat(((Number) counters.get("duplicates")).intValue()).isZero();
        assertThat(((Number) counters.get("rejected")).intValue()).isZero();
        assertThat(((Number) app.telemetry().get("queueLength")).intValue()).isZero();
    }
}
