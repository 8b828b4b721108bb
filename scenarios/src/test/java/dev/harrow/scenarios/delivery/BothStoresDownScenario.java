package dev.harrow.scenarios.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.event.TelemetryEvent;
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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Neither MongoDB nor Redis can take a write: the collector says so, and the app keeps its events until they can. */
@Scenario
@Epic("Telemetry")
@Feature("Store outages")
class BothStoresDownScenario {
    static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    @Story("With both stores down the collector answers 503 and the app keeps its events")
    @Severity(SeverityLevel.BLOCKER)
    @DisplayName("with both stores down the app keeps its events through the 503s and delivers them once they return")
    void withBothStoresDownTheAppKeepsItsEventsAndDeliversThemLater(Device device, Backend shared) {
        try (OwnBackend backend = shared.startOwn(Breakage::own)) {
            ShopApp app = Allure.step("install the shop afresh and launch it", () -> ShopApp.launchFresh(device,
                    backend));
            Allure.step("the launch is stored", () -> await().atMost(DELIVERY).until(() -> app.counter("sent") >= 2));

            Allure.step("MongoDB and Redis are cut off", () -> {
                backend.cutOff(TelemetryBackend.MONGODB);
                backend.cutOff(TelemetryBackend.REDIS);
            });
            long sentBefore = app.counter("sent");
            Allure.step("the user browses and buys", () -> app.openCatalog().openItem("field-notebook").buy());
            Allure.step("the collector refuses with 503 and the app keeps the four events", () -> {
                await("the collector answered 503").atMost(DELIVERY).until(() -> app.recentStatuses().contains(503));
                assertThat(app.queueLength()).as("events kept in the app").isEqualTo(4);
                assertThat(app.counter("sent")).as("events acknowledged during the outage").isEqualTo(sentBefore);
                await().atMost(DELIVERY).until(() -> !backend.client().readiness().ready());
                Evidence.json("Readiness during the outage", backend.client().readiness().body());
            });

            Allure.step("the stores return", () -> {
                backend.restore(TelemetryBackend.REDIS);
                backend.restore(TelemetryBackend.MONGODB);
            });
            List<TelemetryEvent> stored = Allure.step("everything is delivered, once",
                    () -> ExactlyOnce.await(backend, device, app, DELIVERY));
            assertThat(ExactlyOnce.screens(stored)).as("screens seen").containsExactly("home", "catalog", "item",
                    "purchased");
            Evidence.text("The app's deliveries (HTTP status, 0: no answer)", app.recentStatuses().toString());
        }
    }
}
