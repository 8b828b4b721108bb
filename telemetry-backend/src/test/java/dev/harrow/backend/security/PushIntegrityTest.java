package dev.harrow.backend.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.support.RawHttp;
import dev.harrow.backend.support.TestEvents;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The app key ships inside every app, so anyone has it. With it alone nobody can take over another device's pushes,
 * make one token collect a push once per device id, flood the registry, or fake the delivery figures.
 */
class PushIntegrityTest {
    static final String KEY = "integrity-app-key";
    static final String ADMIN = "integrity-admin-token";
    final ObjectMapper json = new ObjectMapper();
    TelemetryBackend backend;
    BackendClient client;
    RawHttp http;

    @BeforeEach
    void start() {
        backend = TelemetryBackend.start(BackendConfig.embedded(List.of(new AppKey("shop", KEY)), ADMIN)
                .withPush(PushSettings.sandboxed().withDispatch(new PushSettings.Dispatch(Duration.ofMillis(50), 500,
                        Duration.ofSeconds(20), 3, Duration.ofSeconds(10), Duration.ofMinutes(5),
                        Duration.ofSeconds(1))).withGuard(new PushSettings.Guard(5, 150, Duration.ofMinutes(10)))));
        client = new BackendClient(backend.baseUri(), ADMIN);
        http = new RawHttp(backend.baseUri());
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    HttpResponse<String> register(String deviceId, String token, Map<String, Object> extra, String secret)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("deviceId", deviceId, "token", token,
                "platform", "android", "timeZone", "UTC"));
        body.putAll(extra);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json",
                "X-App-Key", KEY));
        if (secret != null) {
            headers.put("X-Installation-Secret", secret);
        }
        return http.post("/v1/push/tokens", headers, json.writeValueAsBytes(body));
    }

    JsonNode sentTo(List<String> devices) {
        JsonNode created = client.sendPush(Map.of("target", Map.of("deviceIds", devices),
                "content", Map.of("title", "Sale", "body", "for you")));
        String id = created.get("id").asText();
        return await().atMost(Duration.ofSeconds(20)).until(() -> client.pushStatus(id),
                s -> s.get("counts").get("pending").asLong() == 0);
    }

    @Test
    void aDeviceIdIsReRegisteredOnlyByTheInstallationThatHoldsIt() throws Exception {
        HttpResponse<String> first = register("victim-phone", "victim-token", Map.of(), null);
        assertThat(first.statusCode()).isEqualTo(200);
        String secret = json.readTree(first.body()).get("installationSecret").asText();
        assertThat(secret).hasSizeGreaterThan(20);

        HttpResponse<String> hijack = register("victim-phone", "attacker-token", Map.of(), null);
        assertThat(hijack.statusCode()).isEqualTo(403);
        assertThat(json.readTree(hijack.body()).get("error").asText()).isEqualTo("installation_mismatch");
        assertThat(register("victim-phone", "attacker-token", Map.of(), "a-guessed-secret-xxxxxxxxx").statusCode())
                .isEqualTo(403);
        assertThat(client.pushToken("victim-phone").get("token").asText()).isEqualTo("victim-token");

        // The installation itself: with its secret, or with the token it registered before.
        assertThat(register("victim-phone", "rotated-token", Map.of(), secret).statusCode()).isEqualTo(200);
        assertThat(register("victim-phone", "rotated-again", Map.of("previousToken", "rotated-token"), null)
                .statusCode()).isEqualTo(200);
        assertThat(client.pushToken("victim-phone").get("token").asText()).isEqualTo("rotated-again");
    }

    @Test
    void aTokenRegisteredUnderManyDeviceIdsGetsAPushOnce() throws Exception {
        List<String> devices = IntStream.range(0, 100).mapToObj(i -> "phone-" + i).toList();
        for (String device : devices) {
            assertThat(register(device, "one-shared-token", Map.of(), null).statusCode()).isEqualTo(200);
        }

        JsonNode status = sentTo(devices);

        assertThat(status.get("counts").get("targeted").asInt()).as("only the last device holds the token")
                .isEqualTo(1);
        assertThat(client.sandboxPushes(0, null)).hasSize(1);
        assertThat(client.pushToken("phone-0").get("active").asBoolean()).isFalse();
    }

    @Test
    void tagsAndRegistrationRatesAreBounded() throws Exception {
        List<String> manyTags = IntStream.range(0, 40).mapToObj(i -> "t" + i).toList();
        assertThat(register("tagged", "t-1", Map.of("tags", manyTags), null).statusCode()).isEqualTo(400);
        assertThat(register("tagged", "t-1", Map.of("tags", Set.of("x".repeat(3000))), null).statusCode())
                .isEqualTo(400);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            statuses.add(register("busy-phone", "busy-token", Map.of(), null).statusCode());
        }
        assertThat(statuses.subList(0, 5)).containsOnly(200);
        assertThat(statuses.subList(5, 7)).containsOnly(429);
        HttpResponse<String> limited = register("busy-phone", "busy-token", Map.of(), null);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        int accepted = 0;
        for (int i = 0; i < 160; i++) {
            if (register("addr-" + i, "addr-token-" + i, Map.of(), null).statusCode() == 200) {
                accepted++;
            }
        }
        assertThat(accepted).as("one address, many device ids").isLessThan(150);
    }

    @Test
    void receiptsCountOnlyForAPushSentToThatDeviceAndDatedPlausibly() throws Exception {
        register("real-phone", "real-token", Map.of(), null);
        register("other-phone", "other-token", Map.of(), null);
        JsonNode status = sentTo(List.of("real-phone"));
        String id = status.get("id").asText();
        Instant now = Instant.now();

        List<Map<String, Object>> receipts = List.of(
                receipt("real-phone", "push_delivered", id, now),
                receipt("other-phone", "push_delivered", id, now),
                receipt("real-phone", "push_opened", "00000000-0000-0000-0000-000000000000", now),
                receipt("real-phone", "push_opened", id, now.plus(Duration.ofHours(23))),
                receipt("real-phone", "push_opened", id, now.minus(Duration.ofDays(2))));
        JsonNode reply = json.readTree(http.post("/v1/events", Map.of("Content-Type", "application/json",
                "X-App-Key", KEY), json.writeValueAsBytes(Map.of("events", receipts))).body());

        assertThat(reply.get("accepted").asInt()).isEqualTo(1);
        assertThat(reply.get("rejected")).extracting(r -> r.get("reason").asText())
                .containsExactly("unknown_push", "unknown_push", "ts_out_of_range", "receipt_out_of_range");
        JsonNode after = client.pushStatus(id);
        assertThat(after.get("counts").get("delivered").asInt()).isEqualTo(1);
        assertThat(after.get("counts").get("opened").asInt()).isZero();
    }

    static Map<String, Object> receipt(String deviceId, String type, String messageId, Instant ts) {
        Map<String, Object> event = TestEvents.event(deviceId, type);
        event.put("ts", ts.toString());
        event.put("props", Map.of("messageId", messageId));
        return event;
    }
}
