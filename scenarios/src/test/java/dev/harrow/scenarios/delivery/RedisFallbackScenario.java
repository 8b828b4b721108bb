package dev.harrow.scenarios.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MongoDB goes down for maintenance while the device emits: Redis holds what the collector acknowledged. */
@Scenario
@Epic("Telemetry")
@Feature("Store outages")
class RedisFallbackScenario {
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final Pattern SPILLED = Pattern.compile(
            "harrow_ingest_events_accepted_total\\{[^}]*held_in=\"spill\"[^}]*} (\\d+)");

    @Test
    @Story("While MongoDB is down, events are acknowledged through Redis and land in MongoDB once it returns")
    @Severity(SeverityLevel.BLOCKER)
    @DisplayName("while MongoDB is cut off, Redis acknowledges the events; they drain into MongoDB exactly once")
    void whileMongoIsCutOffRedisHoldsTheEventsAndTheyDrainOnce(Device device, Backend shared) {
        try (OwnBackend backend = shared.startOwn(Breakage::own)) {
            BackendClient client = backend.client();
            ShopApp app = Allure.step("install the shop afresh and launch it", () -> ShopApp.launchFresh(device,
                    backend));
            Allure.step("the launch is stored", () -> await().atMost(DELIVERY).until(() -> app.counter("sent") >= 2));

            Allure.step("MongoDB is cut off", () -> backend.cutOff(TelemetryBackend.MONGODB));
            long sentBefore = app.counter("sent");
            Allure.step("the user browses and buys", () -> app.openCatalog().openItem("trail-lantern").buy());
            AtomicReference<BackendClient.Readiness> during = new AtomicReference<>();
            try {
                Allure.step("the collector acknowledges all four events while MongoDB is down", () ->
                        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                            assertThat(app.counter("sent") - sentBefore).as("events acknowledged while MongoDB is "
                                    + "down (last error: " + app.telemetry().get("lastError") + ")").isEqualTo(4);
                            assertThat(app.queueLength()).as("events waiting in the app").isZero();
                        }));
                Allure.step("readiness and metrics show the spill", () -> {
                    // The depth is sampled by the drainer about once a second.
                    during.set(await("the spill shown by the readiness probe").atMost(Duration.ofSeconds(5))
                            .until(client::readiness, r -> r.spillDepth() > 0));
                    assertThat(during.get().ready()).as("ready: Redis takes writes").isTrue();
                    assertThat(spilledEvents(client.scrapeMetrics())).as("events accepted into the spill")
                            .isGreaterThanOrEqualTo(4);
                });
            } finally {
                if (during.get() != null) {
                    Evidence.json("Readiness while MongoDB was down", during.get().body());
                }
            }

            Allure.step("MongoDB returns", () -> backend.restore(TelemetryBackend.MONGODB));
            List<TelemetryEvent> stored = Allure.step("the spill drains into MongoDB, every event once",
                    () -> ExactlyOnce.await(backend, device, app, DELIVERY));
            assertThat(ExactlyOnce.screens(stored)).as("screens seen").containsExactly("home", "catalog", "item",
                    "purchased");
            await().atMost(DELIVERY).until(() -> client.readiness().spillDepth() == 0);
            Evidence.json("Readiness after the drain", client.readiness().body());
        }
    }

    private static long spilledEvents(String prometheus) {
        long total = 0;
        Matcher m = SPILLED.matcher(prometheus);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
