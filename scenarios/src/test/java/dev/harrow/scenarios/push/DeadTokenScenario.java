package dev.harrow.scenarios.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.device.Device;
import dev.harrow.device.Platform;
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

/** The app was uninstalled: the gateway says the token is dead, and the backend stops pushing to it. */
@Scenario
@Epic("Push")
@Feature("Token hygiene")
class DeadTokenScenario {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @Story("A push to a dead token is rejected, the token deactivated, and nothing retried")
    @Severity(SeverityLevel.CRITICAL)
    @DisplayName("a push to a dead token is rejected once, the token is deactivated, and nothing is retried")
    void aDeadTokenIsDeactivatedAndNeverRetried(Device device, Backend backend) {
        PushRelay relay = new PushRelay(backend, device);
        BackendClient client = backend.client();
        ShopApp app = relay.launchRegistered(launch -> ShopApp.launch(device, launch), WAIT);

        // The gateway's own words for an uninstalled app. Refused once only: a retry would be accepted and show.
        String reason = device.platform() == Platform.IOS ? "Unregistered" : "UNREGISTERED";
        Allure.step("the app is uninstalled: the gateway refuses its token (" + reason + ")",
                () -> client.scriptSandbox(PushRelay.gatewayOf(device), device.name(), reason, 1));
        JsonNode created = client.sendPush(Map.of("target", Map.of("deviceIds", List.of(device.name())),
                "content", Map.of("title", "We miss you", "body", "Come back for 10% off")));
        String id = created.get("id").asText();
        AtomicReference<JsonNode> status = new AtomicReference<>(created);
        try {
            Allure.step("the push is rejected and settled", () -> status.set(await().atMost(WAIT)
                    .until(() -> client.pushStatus(id), s -> "done".equals(s.path("state").asText()))));
            JsonNode counts = status.get().get("counts");
            assertThat(counts.get("rejected").asInt()).as("rejected").isEqualTo(1);
            assertThat(counts.get("rejectedByReason").fieldNames()).toIterable().as("rejected as")
                    .singleElement().asString().startsWith(reason);
            assertThat(counts.get("accepted").asInt()).as("accepted").isZero();
            assertThat(counts.get("retrying").asInt()).as("retrying").isZero();

            JsonNode registration = client.pushToken(device.name());
            Evidence.json("The registration after the rejection", registration);
            assertThat(registration.get("active").asBoolean()).as("the token is still active").isFalse();
            assertThat(registration.path("deactivatedReason").asText()).contains(reason);

            Allure.step("nothing is retried: the gateway accepts nothing for the device", () -> await()
                    .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> relay.accepted().isEmpty()));
            assertThat(app.pushBannerShown()).as("a push shown on the device").isFalse();
            JsonNode next = client.sendPush(Map.of("target", Map.of("deviceIds", List.of(device.name())),
                    "content", Map.of("title", "Second try", "body", "-")));
            assertThat(next.at("/counts/targeted").asInt()).as("devices a later push targets").isZero();
        } finally {
            Evidence.json("Push status", status.get());
        }
    }
}
