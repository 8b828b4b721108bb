package dev.harrow.backend.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.support.MutableClock;
import dev.harrow.backend.support.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedule lives in the store, not in a backend: a restart loses no scheduled push and sends none twice, and
 * two backends on one store share the work without sending any push twice.
 */
class PushDurabilityTest {
    static final Instant START = Instant.parse("2026-11-22T06:00:00Z");

    @TempDir
    Path dir;

    static BackendConfig config(TestStores stores, int batch) {
        return stores.backendConfig().withPush(PushSettings.sandboxed().withDispatch(new PushSettings.Dispatch(
                Duration.ofMillis(20), batch, Duration.ofSeconds(20), 3, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofMillis(500))));
    }

    static void register(BackendClient client, int devices) {
        for (int i = 0; i < devices; i++) {
            client.registerPushToken(TestStores.APP_KEY, Map.of("deviceId", "pixel-" + i, "token", "fcm-" + i,
                    "platform", "android", "timeZone", "UTC"));
        }
    }

    /** Every push the sandboxes of these backends accepted, as messageId/token. */
    static List<String> accepted(List<BackendClient> clients) {
        List<String> out = new ArrayList<>();
        for (BackendClient client : clients) {
            for (JsonNode push : client.sandboxPushes(0, null)) {
                out.add(push.get("data").get("messageId").asText() + "/" + push.get("token").asText());
            }
        }
        return out;
    }

    @Test
    void aRestartWithScheduledPushesPendingLosesNothingAndSendsNothingTwice() {
        MutableClock clock = new MutableClock(START);
        try (TestStores stores = new TestStores(dir)) {
            String id;
            List<BackendClient> clients = new ArrayList<>();
            try (TelemetryBackend first = TelemetryBackend.start(config(stores, 500), clock)) {
                BackendClient client = new BackendClient(first.baseUri(), TestStores.ADMIN_TOKEN);
                register(client, 40);
                id = client.sendPush(Map.of("target", Map.of("everyone", true), "content", Map.of("body", "later"),
                        "schedule", Map.of("at", START.plus(Duration.ofHours(1)).toString()))).get("id").asText();
                assertThat(client.pushStatus(id).get("counts").get("pending").asInt()).isEqualTo(40);
                clients.add(client);
                assertThat(accepted(clients)).isEmpty();
            }
            clock.advance(Duration.ofHours(2));
            try (TelemetryBackend second = TelemetryBackend.start(config(stores, 500), clock)) {
                BackendClient client = new BackendClient(second.baseUri(), TestStores.ADMIN_TOKEN);
                JsonNode status = await().atMost(Duration.ofSeconds(20)).until(() -> client.pushStatus(id),
                        s -> s.get("state").asText().equals("done"));
                assertThat(status.get("counts").get("accepted").asInt()).isEqualTo(40);
                List<String> sent = accepted(List.of(client));
                assertThat(sent).hasSize(40).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void twoBackendsOnOneStoreNeverSendThePushTwice() {
        MutableClock clock = new MutableClock(START);
        try (TestStores stores = new TestStores(dir);
             TelemetryBackend a = TelemetryBackend.start(config(stores, 25), clock);
             TelemetryBackend b = TelemetryBackend.start(config(stores, 25), clock)) {
            BackendClient clientA = new BackendClient(a.baseUri(), TestStores.ADMIN_TOKEN);
            BackendClient clientB = new BackendClient(b.baseUri(), TestStores.ADMIN_TOKEN);
            register(clientA, 300);
            // Scheduled a little ahead, so that both instances find the whole message due at the same moment.
            Set<String> ids = new HashSet<>();
            for (int m = 0; m < 3; m++) {
                ids.add((m % 2 == 0 ? clientA : clientB).sendPush(Map.of("target", Map.of("everyone", true),
                        "content", Map.of("body", "m" + m), "schedule", Map.of("at",
                                START.plusSeconds(60).toString()))).get("id").asText());
            }
            clock.advance(Duration.ofSeconds(61));

            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clientA.pushStatus(id).get("state").asText(),
                        "done"::equals);
                assertThat(clientB.pushStatus(id).get("counts").get("accepted").asInt()).isEqualTo(300);
            }
            List<String> sent = accepted(List.of(clientA, clientB));
            assertThat(sent).hasSize(900).doesNotHaveDuplicates();
            // Both took part: the claims really were contended.
            assertThat(clientA.sandboxPushes(0, null)).isNotEmpty();
            assertThat(clientB.sandboxPushes(0, null)).isNotEmpty();
        }
    }
}
