package dev.harrow.scenarios.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.device.Device;
import dev.harrow.device.NetworkControl;
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

/**
 * A commuter's phone: a slow, high-latency link, and a collector that answers 503 now and then (its stores cut off
 * in bursts). Runs on a backend of its own, so that the bursts reach no other device.
 */
@Scenario
@Epic("Telemetry")
@Feature("Offline delivery")
class HostileNetworkScenario {
    static final Duration DELIVERY = Duration.ofSeconds(30);

    @Test
    @Story("A slow link and intermittent 503s lose and duplicate nothing")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("events cross a slow, high-latency link and intermittent 503s exactly once")
    void eventsCrossASlowLinkAndIntermittent503sExactlyOnce(Device device, Backend shared) {
        NetworkControl network = device.network().orSkip();
        try (OwnBackend backend = shared.startOwn(Breakage::own)) {
            device.app().clearData();
            // Small batches sent soon: more requests, so more of them meet the latency and the 503s.
            ShopApp app = Allure.step("launch the shop", () -> ShopApp.launch(device, backend.launchFor(device)
                    .with("batchSize", "2").with("flushDelayMs", "200")));
            Allure.step("the device moves to a 3G network: 200 ms each way with jitter, 780 kbit/s down, 330 up, "
                    + "0.5% of requests lost", () -> network.profile("3g"));
            try {
                Runnable[] steps = {app::openCatalog, () -> app.openItem("wool-beanie"), app::buy};
                for (Runnable step : steps) {
                    long refusals = refusals(app);
                    Allure.step("the collector answers 503 while the user goes on", () -> {
                        backend.cutOff(TelemetryBackend.MONGODB);
                        backend.cutOff(TelemetryBackend.REDIS);
                        step.run();
                        await("the collector answered 503").atMost(DELIVERY).until(() -> refusals(app) > refusals);
                    });
                    Allure.step("the collector takes writes again", () -> {
                        backend.restore(TelemetryBackend.MONGODB);
                        backend.restore(TelemetryBackend.REDIS);
                    });
                }
                List<TelemetryEvent> stored = Allure.step("every event reaches the backend, once",
                        () -> ExactlyOnce.await(backend, device, app, DELIVERY));
                assertThat(ExactlyOnce.screens(stored)).as("screens seen")
                        .containsExactly("home", "catalog", "item", "purchased");
                assertThat(stored).filteredOn(e -> e.type().equals("purchase")).singleElement()
                        .satisfies(p -> assertThat(p.props()).containsEntry("itemId", "wool-beanie"));
            } finally {
                Evidence.text("The app's deliveries (HTTP status, 0: no answer)", app.recentStatuses().toString());
                network.online();
            }
            assertThat(app.recentStatuses()).as("the collector's answers").contains(503, 200);
        }
    }

    /** The 503s among the app's recent deliveries. */
    private static long refusals(ShopApp app) {
        return app.recentStatuses().stream().filter(s -> s == 503).count();
    }
}
