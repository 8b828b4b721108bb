package dev.harrow.scenarios.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.device.Device;
import dev.harrow.scenario.Backend;
import dev.harrow.scenario.Evidence;
import dev.harrow.scenario.PushRelay;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A push from the admin API to the phone and back: through APNs (Pushy, to its MockApnsServer) on iPhone profiles,
 * through FCM (Firebase Admin SDK, to the FCM stub) on Android profiles; the phone shows it, the app reports it
 * delivered and, after a tap, opened.
 */
@Scenario
@Epic("Push")
@Feature("Delivery")
class PushDeliveryScenario {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @Story("A push is shown on the device and its receipts reach the message status")
    @Severity(SeverityLevel.BLOCKER)
    @DisplayName("a push sent through the admin API is shown, delivered and opened, with latency in its status")
    void aPushIsShownAndReportedDeliveredAndOpened(Device device, Backend backend) {
        PushRelay relay = new PushRelay(backend, device);
        BackendClient client = backend.client();
        ShopApp app = relay.launchRegistered(launch -> ShopApp.launch(device, launch), WAIT);

        String title = "Back in stock on " + device.name();
        JsonNode created = Allure.step("send a push through the admin API", () -> client.sendPush(Map.of(
                "target", Map.of("deviceIds", List.of(device.name())),
                "content", Map.of("title", title, "body", "The trail lantern is back",
                        "data", Map.of("itemId", "trail-lantern")))));
        String id = created.get("id").asText();
        AtomicReference<JsonNode> status = new AtomicReference<>(created);
        try {
            List<JsonNode> pushes = Allure.step("the gateway accepts it and the device receives it",
                    () -> relay.deliverNext(WAIT));
            assertThat(pushes).singleElement().satisfies(p -> {
                assertThat(p.get("gateway").asText()).as("gateway").isEqualTo(PushRelay.gatewayOf(device));
                assertThat(p.at("/data/messageId").asText()).isEqualTo(id);
            });
            Allure.step("the device shows it", () -> assertThat(app.awaitPushBanner()).isEqualTo(title));
            Evidence.screenshot("The push on " + device.name(), device);
            Allure.step("the app reports it delivered", () -> status.set(await("the app reported the push delivered")
                    .atMost(WAIT).until(() -> client.pushStatus(id), s -> s.at("/counts/delivered").asInt() == 1)));
            Allure.step("the user taps it: the app opens the item", () -> app.tapPushBanner().awaitScreen("item"));
            Allure.step("the app reports it opened", () -> status.set(await("the app reported the push opened")
                    .atMost(WAIT).until(() -> client.pushStatus(id), s -> s.at("/counts/opened").asInt() == 1)));
        } finally {
            Evidence.json("Push status", status.get());
            Evidence.json("What the gateway accepted for " + device.name(), relay.seen());
        }
        JsonNode counts = status.get().get("counts");
        assertThat(counts.get("targeted").asInt()).isEqualTo(1);
        assertThat(counts.get("accepted").asInt()).isEqualTo(1);
        assertThat(status.get().at("/latencyMillis/sendToDelivered/n").asInt()).as("delivery latency measured")
                .isEqualTo(1);
        assertThat(status.get().at("/latencyMillis/sendToOpened/n").asInt()).as("open latency measured").isEqualTo(1);
        assertThat(status.get().at("/latencyMillis/sendToOpened/p50").asLong())
                .isGreaterThanOrEqualTo(status.get().at("/latencyMillis/sendToDelivered/p50").asLong());
    }
}
