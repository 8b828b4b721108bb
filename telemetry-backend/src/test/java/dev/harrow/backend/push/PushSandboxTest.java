package dev.harrow.backend.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.support.MutableClock;
import dev.harrow.backend.support.RawHttp;
import dev.harrow.backend.support.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The push pipeline end to end against the sandbox gateways (Pushy's MockApnsServer over TLS, the WireMock FCM
 * stub), through the backend's HTTP API, with a clock the test moves.
 */
class PushSandboxTest {
    static final String APP_KEY = "push-app-key-01";
    static final String ADMIN = "push-admin-token-0001";
    static final Instant START = Instant.parse("2026-11-22T06:00:00Z");

    final MutableClock clock = new MutableClock(START);
    TelemetryBackend backend;
    BackendClient client;

    static BackendConfig config() {
        return BackendConfig.embedded(List.of(new AppKey("shop", APP_KEY)), ADMIN)
                .withPush(PushSettings.sandboxed().withDispatch(new PushSettings.Dispatch(Duration.ofMillis(50), 500,
                        Duration.ofSeconds(20), 3, Duration.ofSeconds(10), Duration.ofMinutes(5),
                        Duration.ofSeconds(1))));
    }

    @BeforeEach
    void start() {
        backend = TelemetryBackend.start(config(), clock);
        client = new BackendClient(backend.baseUri(), ADMIN);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    static String apnsToken(int n) {
        return String.format("%064x", n);
    }

    void register(String deviceId, String platform, String token, String timeZone) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("token", token);
        body.put("platform", platform);
        body.put("language", "en-US");
        body.put("timeZone", timeZone);
        body.put("appVersion", "2.4.0");
        client.registerPushToken(APP_KEY, body);
    }

    JsonNode send(Map<String, Object> target) {
        return send(target, null);
    }

    JsonNode send(Map<String, Object> target, Map<String, Object> schedule) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", target);
        body.put("content", Map.of("title", "Sale", "body", "20% off today", "data", Map.of("screen", "offers")));
        if (schedule != null) {
            body.put("schedule", schedule);
        }
        return client.sendPush(body);
    }

    JsonNode settled(String id) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> client.pushStatus(id),
                s -> s.get("counts").get("pending").asLong() == 0);
    }

    @Test
    void pushesGoOutThroughApnsAndFcmAndTheirReceiptsFeedTheStatus() {
        register("iphone-1", "ios", apnsToken(1), "America/New_York");
        register("pixel-1", "android", "fcm-token-pixel-1", "Europe/Berlin");

        JsonNode created = send(Map.of("everyone", true));
        assertThat(created.get("counts").get("targeted").asInt()).isEqualTo(2);
        String id = created.get("id").asText();
        JsonNode status = settled(id);

        assertThat(status.get("state").asText()).isEqualTo("done");
        assertThat(status.get("counts").get("accepted").asInt()).isEqualTo(2);
        JsonNode pushes = client.sandboxPushes(0, null);
        assertThat(pushes).hasSize(2);
        assertThat(pushes).extracting(p -> p.get("gateway").asText()).containsExactlyInAnyOrder("apns", "fcm");
        assertThat(pushes).allSatisfy(p -> {
            assertThat(p.get("title").asText()).isEqualTo("Sale");
            assertThat(p.get("data").get("messageId").asText()).isEqualTo(id);
            assertThat(p.get("data").get("screen").asText()).isEqualTo("offers");
        });

        // The apps report receipts as events; a duplicate receipt counts once.
        clock.advance(Duration.ofSeconds(2));
        List<Map<String, Object>> receipts = new ArrayList<>();
        receipts.add(receipt("iphone-1", "push_delivered", id, clock.instant()));
        receipts.add(receipt("iphone-1", "push_delivered", id, clock.instant()));
        receipts.add(receipt("pixel-1", "push_delivered", id, clock.instant()));
        receipts.add(receipt("iphone-1", "push_opened", id, clock.instant().plusSeconds(3)));
        client.send(APP_KEY, receipts);

        JsonNode after = client.pushStatus(id);
        assertThat(after.get("counts").get("delivered").asInt()).isEqualTo(2);
        assertThat(after.get("counts").get("opened").asInt()).isEqualTo(1);
        JsonNode latency = after.get("latencyMillis");
        assertThat(latency.get("sendToDelivered").get("n").asInt()).isEqualTo(2);
        assertThat(latency.get("sendToDelivered").get("p50").asLong()).isEqualTo(2000);
        assertThat(latency.get("sendToOpened").get("max").asLong()).isEqualTo(5000);
    }

    static Map<String, Object> receipt(String deviceId, String type, String messageId, Instant ts) {
        Map<String, Object> event = TestEvents.event(deviceId, type);
        event.put("ts", ts.toString());
        event.put("props", Map.of("messageId", messageId));
        return event;
    }

    @Test
    void oneDevicesPushesShowTheirOutcomesReceiptsAndLatencies() {
        register("iphone-1", "ios", apnsToken(3), "UTC");
        register("pixel-1", "android", "fcm-token-pixel-1", "UTC");
        String earlier = settled(send(Map.of("deviceIds", List.of("iphone-1"))).get("id").asText()).get("id").asText();
        clock.advance(Duration.ofMinutes(1));
        Instant since = clock.instant();

        String first = settled(send(Map.of("everyone", true)).get("id").asText()).get("id").asText();
        Instant sent = clock.instant();
        clock.advance(Duration.ofSeconds(1));
        backend.push().orElseThrow().sandbox().orElseThrow().apns().answer(apnsToken(3), "DeviceTokenNotForTopic",
                null, 1);
        String second = settled(send(Map.of("deviceIds", List.of("iphone-1"))).get("id").asText()).get("id").asText();
        client.send(APP_KEY, List.of(
                receipt("iphone-1", "push_delivered", first, sent.plusMillis(1500)),
                receipt("iphone-1", "push_delivered", first, sent.plusMillis(9000)),
                receipt("iphone-1", "push_opened", first, sent.plusMillis(4000)),
                receipt("iphone-1", "push_delivered", earlier, sent.plusMillis(500)),
                receipt("pixel-1", "push_delivered", first, sent.plusMillis(700))));

        JsonNode mine = client.pushDeliveries("iphone-1", since);
        JsonNode counts = mine.get("counts");
        assertThat(counts.get("targeted").asInt()).as("the earlier push fell due before since").isEqualTo(2);
        assertThat(counts.get("sent").asInt()).isEqualTo(2);
        assertThat(counts.get("accepted").asInt()).isEqualTo(1);
        assertThat(counts.get("rejected").asInt()).isEqualTo(1);
        assertThat(counts.get("delivered").asInt()).as("one receipt per message, the earliest").isEqualTo(1);
        assertThat(counts.get("opened").asInt()).isEqualTo(1);
        assertThat(mine.at("/latencyMillis/sendToDelivered/p50").asLong()).isEqualTo(1500);
        assertThat(mine.at("/latencyMillis/sendToOpened/max").asLong()).isEqualTo(4000);
        assertThat(mine.get("deliveries")).extracting(d -> d.get("messageId").asText())
                .containsExactly(first, second);
        assertThat(mine.get("deliveries").get(0).get("state").asText()).isEqualTo("accepted");
        assertThat(mine.get("deliveries").get(0).get("openedAt").asText()).isEqualTo(sent.plusMillis(4000).toString());
        assertThat(mine.get("deliveries").get(0).get("deliveredAfterMillis").asLong()).isEqualTo(1500);
        assertThat(mine.get("deliveries").get(1).get("deliveredAfterMillis").isNull()).as("rejected: none").isTrue();
        assertThat(mine.get("deliveries").get(1).get("state").asText()).isEqualTo("rejected");
        assertThat(mine.get("deliveries").get(1).get("reason").asText()).isEqualTo("DeviceTokenNotForTopic");

        JsonNode theirs = client.pushDeliveries("pixel-1", since);
        assertThat(theirs.at("/counts/targeted").asInt()).isEqualTo(1);
        assertThat(theirs.at("/latencyMillis/sendToDelivered/p50").asLong()).isEqualTo(700);
        assertThat(client.pushDeliveries("nobody", since).at("/counts/targeted").asInt()).isZero();

        RawHttp http = new RawHttp(backend.baseUri());
        Map<String, String> admin = Map.of("Authorization", "Bearer " + ADMIN);
        assertThat(http.request("GET", "/admin/v1/push/deliveries?since=" + since, admin).statusCode())
                .as("no deviceId").isEqualTo(400);
        assertThat(http.request("GET", "/admin/v1/push/deliveries?deviceId=x&since=yesterday", admin).body())
                .contains("since: an ISO-8601 instant");
        assertThat(http.request("GET", "/admin/v1/push/deliveries?deviceId=x&limit=5000", admin).statusCode())
                .isEqualTo(400);
        assertThat(http.request("GET", "/admin/v1/push/deliveries?deviceId=x", Map.of()).statusCode())
                .isEqualTo(401);
    }

    @ParameterizedTest(name = "APNs {0}: deactivated {1}")
    @CsvSource({"Unregistered, true", "BadDeviceToken, true", "DeviceTokenNotForTopic, false",
        "PayloadTooLarge, false", "TopicDisallowed, false", "BadCollapseId, false", "BadTopic, false"})
    void apnsRefusalsAreFinalAndOnlyDeadTokensAreDeactivated(String reason, boolean deactivated) {
        register("iphone-1", "ios", apnsToken(7), "UTC");
        backend.push().orElseThrow().sandbox().orElseThrow().apns().always(apnsToken(7), reason);

        JsonNode status = settled(send(Map.of("deviceIds", List.of("iphone-1"))).get("id").asText());

        assertThat(status.get("counts").get("rejected").asInt()).isEqualTo(1);
        assertThat(status.get("counts").get("rejectedByReason").get(reason).asInt()).isEqualTo(1);
        JsonNode token = client.pushToken("iphone-1");
        assertThat(token.get("active").asBoolean()).isEqualTo(!deactivated);
        if (deactivated) {
            assertThat(token.get("deactivatedReason").asText()).isEqualTo(reason);
            // A dead token is not targeted again.
            assertThat(send(Map.of("everyone", true)).get("counts").get("targeted").asInt()).isZero();
        }
        assertThat(client.sandboxPushes(0, null)).isEmpty();
    }

    @ParameterizedTest(name = "APNs {0} is retried")
    @CsvSource({"TooManyRequests", "ServiceUnavailable", "InternalServerError"})
    void transientApnsAnswersAreRetriedWithBackoff(String reason) {
        register("iphone-1", "ios", apnsToken(9), "UTC");
        backend.push().orElseThrow().sandbox().orElseThrow().apns().answer(apnsToken(9), reason, null, 1);

        String id = send(Map.of("deviceIds", List.of("iphone-1"))).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pushStatus(id).get("state").asText(),
                "sending"::equals);
        // Backoff 10 s, half of it jittered: not before 5 s.
        clock.advance(Duration.ofSeconds(4));
        assertThat(client.sandboxPushes(0, null)).isEmpty();
        clock.advance(Duration.ofSeconds(7));
        JsonNode status = settled(id);
        assertThat(status.get("counts").get("accepted").asInt()).isEqualTo(1);
        assertThat(client.sandboxPushes(0, null)).hasSize(1);
    }

    @Test
    void aBulkImportStoresTheValidRegistrationsAndABigPushSettlesEachDeviceOnItsOwn() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= 1200; i++) {
            rows.add(Map.of("deviceId", "iphone-" + i, "token", apnsToken(1000 + i), "platform", "ios",
                    "timeZone", "UTC"));
        }
        rows.add(Map.of("deviceId", "bad-zone", "token", apnsToken(5), "platform", "ios", "timeZone", "Mars/Base"));
        rows.add(Map.of("deviceId", "bad-platform", "token", "x", "platform", "windows", "timeZone", "UTC"));
        JsonNode imported = client.importPushTokens("shop", rows);
        assertThat(imported.get("registered").asInt()).isEqualTo(1200);
        assertThat(imported.get("refused")).extracting(r -> r.get("index").asInt()).containsExactly(1200, 1201);
        assertThat(imported.get("refused").get(0).get("problems").toString()).contains("Mars/Base");

        // 1,200 devices make three batches; two devices in different batches fail for a while, one is dead.
        var apns = backend.push().orElseThrow().sandbox().orElseThrow().apns();
        apns.answer(apnsToken(1001), "ServiceUnavailable", null, 1);
        apns.answer(apnsToken(1900), "TooManyRequests", null, 1);
        apns.always(apnsToken(1500), "Unregistered");
        String id = send(Map.of("everyone", true)).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pushStatus(id).get("counts").get("pending")
                .asInt() == 2);
        JsonNode waiting = client.pushStatus(id).get("counts");
        assertThat(waiting.get("accepted").asInt()).isEqualTo(1197);
        assertThat(waiting.get("retrying").asInt()).isEqualTo(2);
        assertThat(waiting.get("rejectedByReason").get("Unregistered").asInt()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(11));
        JsonNode done = settled(id).get("counts");
        assertThat(done.get("accepted").asInt()).isEqualTo(1199);
        assertThat(done.get("rejected").asInt()).isEqualTo(1);
        // Every accepted device got its push once: a batch's retry resends only its failed devices.
        assertThat(client.sandboxPushes(0, null)).hasSize(1199);
        assertThat(client.pushToken("iphone-500").get("active").asBoolean()).isFalse();
    }

    @ParameterizedTest(name = "FCM {0}: deactivated {1}")
    @CsvSource(delimiter = '|', value = {"UNREGISTERED|true", "INVALID_ARGUMENT|true",
        "INVALID_ARGUMENT:Invalid data payload key: gcm.x|false", "SENDER_ID_MISMATCH|false",
        "THIRD_PARTY_AUTH_ERROR|false"})
    void fcmErrorsAreFinalAndOnlyDeadTokensAreDeactivated(String reason, boolean deactivated) {
        register("pixel-1", "android", "fcm-token-1", "UTC");
        backend.push().orElseThrow().sandbox().orElseThrow().fcm().always("fcm-token-1", reason);

        JsonNode status = settled(send(Map.of("deviceIds", List.of("pixel-1"))).get("id").asText());

        assertThat(status.get("counts").get("rejected").asInt()).as(status.toString()).isEqualTo(1);
        String code = reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
        // The Admin SDK reports FCM's 401 by its HTTP status (UNAUTHENTICATED), not by the FCM error code.
        String expected = code.equals("THIRD_PARTY_AUTH_ERROR") ? "UNAUTHENTICATED" : code;
        assertThat(status.get("counts").get("rejectedByReason").fieldNames()).toIterable()
                .singleElement().asString().startsWith(expected);
        assertThat(client.pushToken("pixel-1").get("active").asBoolean()).isEqualTo(!deactivated);
    }

    @Test
    void fcmQuotaExceededIsRetriedNoSoonerThanItsRetryAfter() {
        register("pixel-1", "android", "fcm-token-2", "UTC");
        backend.push().orElseThrow().sandbox().orElseThrow().fcm().answer("fcm-token-2", "QUOTA_EXCEEDED",
                Duration.ofSeconds(120), 1);

        String id = send(Map.of("deviceIds", List.of("pixel-1"))).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pushStatus(id).get("state").asText(),
                "sending"::equals);
        // The backoff alone would allow a retry after 10 s; FCM asked for 120 s.
        clock.advance(Duration.ofSeconds(60));
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() ->
                client.sandboxPushes(0, null).isEmpty());
        clock.advance(Duration.ofSeconds(61));
        JsonNode status = settled(id);
        assertThat(status.get("counts").get("accepted").asInt()).isEqualTo(1);
        assertThat(backend.metrics().counterValue(PushDispatcher.SENT, "gateway", "fcm", "outcome", "retry"))
                .isEqualTo(1);
    }

    @Test
    void aLocalTimePushReachesEachDeviceAtNineInItsOwnTimeZone() {
        register("tokyo", "android", "fcm-tokyo", "Asia/Tokyo");
        register("berlin", "ios", apnsToken(2), "Europe/Berlin");
        register("new-york", "android", "fcm-new-york", "America/New_York");

        // 09:00 on 2026-11-23 is 00:00 UTC in Tokyo, 08:00 UTC in Berlin, 14:00 UTC in New York.
        String id = send(Map.of("everyone", true), Map.of("localTime", "2026-11-23T09:00:00")).get("id").asText();
        assertThat(client.pushStatus(id).get("state").asText()).isEqualTo("scheduled");

        clock.set(Instant.parse("2026-11-22T23:59:00Z"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
                client.sandboxPushes(0, null).isEmpty());
        clock.set(Instant.parse("2026-11-23T00:00:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.sandboxPushes(0, null).size() == 1);
        assertThat(client.sandboxPushes(0, "tokyo")).hasSize(1);

        clock.set(Instant.parse("2026-11-23T08:00:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.sandboxPushes(0, null).size() == 2);
        assertThat(client.sandboxPushes(0, "berlin")).hasSize(1);
        assertThat(client.sandboxPushes(0, "new-york")).isEmpty();

        clock.set(Instant.parse("2026-11-23T14:00:00Z"));
        JsonNode status = settled(id);
        assertThat(status.get("counts").get("accepted").asInt()).isEqualTo(3);
        assertThat(client.sandboxPushes(0, "new-york")).hasSize(1);
    }

    @Test
    void aCancelledMessageNeverGoesOutAndAnIdempotencyKeySendsOnce() {
        register("pixel-1", "android", "fcm-token-3", "UTC");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("idempotencyKey", "campaign-42");
        body.put("target", Map.of("everyone", true));
        body.put("content", Map.of("body", "hello"));
        body.put("schedule", Map.of("at", START.plus(Duration.ofHours(1)).toString()));

        JsonNode first = client.sendPush(body);
        JsonNode again = client.sendPush(body);
        assertThat(again.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(again.get("existing").asBoolean()).isTrue();

        JsonNode cancelled = client.cancelPush(first.get("id").asText());
        assertThat(cancelled.get("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("counts").get("cancelled").asInt()).isEqualTo(1);
        clock.advance(Duration.ofHours(2));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
                client.sandboxPushes(0, null).isEmpty());
    }

    @Test
    void badRequestsAreRefusedWithTheirReasons() {
        Map<String, Object> bad = new LinkedHashMap<>(Map.of("deviceId", "x", "token", "not-hex", "platform", "ios",
                "timeZone", "Mars/Olympus"));
        assertThatThrownBy(() -> client.registerPushToken(APP_KEY, bad))
                .isInstanceOfSatisfying(BackendClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("APNs device token is hexadecimal")
                .hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> client.sendPush(Map.of("content", Map.of("title", "x"))))
                .hasMessageContaining("target: required");
        assertThatThrownBy(() -> client.sendPush(Map.of("target", Map.of("everyone", true),
                "content", Map.of("data", Map.of("google.x", "1")))))
                .hasMessageContaining("a key FCM reserves");
        assertThatThrownBy(() -> client.sendPush(Map.of("target", Map.of("everyone", true),
                "content", Map.of("body", "x"), "shedule", Map.of())))
                .hasMessageContaining("shedule");
        assertThatThrownBy(() -> client.pushStatus(UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(BackendClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }
}
