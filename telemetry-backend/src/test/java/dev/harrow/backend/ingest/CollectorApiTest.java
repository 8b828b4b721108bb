package dev.harrow.backend.ingest;

import static dev.harrow.backend.support.RawHttp.gzip;
import static dev.harrow.backend.support.RawHttp.utf8;
import static dev.harrow.backend.support.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendClient;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.support.RawHttp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CollectorApiTest {
    static final String KEY = "test-key-0001";
    static final String OTHER_KEY = "other-key-0002";
    static final String ADMIN = "admin-token-for-tests";
    static TelemetryBackend backend;
    static BackendClient client;
    static RawHttp raw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        backend = TelemetryBackend.start(BackendConfig.embedded(
                List.of(new AppKey("shop", KEY), new AppKey("other", OTHER_KEY)), ADMIN));
        client = new BackendClient(backend.baseUri(), ADMIN);
        raw = new RawHttp(backend.baseUri());
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void acceptedEventsAreStoredWithEveryField() {
        Map<String, Object> e = event("dev-fields", "screen_view");
        e.put("userId", "u-1");
        e.put("sessionId", "s-1");
        e.put("props", Map.of("screen", "catalog", "n", 3, "nested", Map.of("ok", true)));

        IngestReply reply = client.send(KEY, List.of(e));

        assertThat(reply).isEqualTo(new IngestReply(1, 0, List.of()));
        List<TelemetryEvent> stored = client.events(EventQuery.forDevice("dev-fields"));
        assertThat(stored).singleElement().satisfies(s -> {
            assertThat(s.appId()).isEqualTo("shop");
            assertThat(s.eventId().toString()).isEqualTo(e.get("eventId"));
            assertThat(s.type()).isEqualTo("screen_view");
            assertThat(s.platform()).isEqualTo(Platform.ANDROID);
            assertThat(s.userId()).isEqualTo("u-1");
            assertThat(s.sessionId()).isEqualTo("s-1");
            assertThat(s.appVersion()).isEqualTo("1.0.0");
            assertThat(s.props()).containsEntry("screen", "catalog").containsEntry("n", 3)
                    .containsEntry("nested", Map.of("ok", true));
            assertThat(s.receivedAt()).isNotNull();
        });
    }

    @Test
    void aRetriedBatchIsCountedAsDuplicatesAndStoredOnce() {
        List<Map<String, Object>> batch = List.of(event("dev-retry", "a"), event("dev-retry", "b"));

        assertThat(client.send(KEY, batch)).isEqualTo(new IngestReply(2, 0, List.of()));
        assertThat(client.send(KEY, batch)).isEqualTo(new IngestReply(0, 2, List.of()));
        assertThat(client.countEvents(EventQuery.forDevice("dev-retry"))).isEqualTo(2);
    }

    @Test
    void theSameEventIdUnderTwoAppsIsTwoEvents() {
        Map<String, Object> e = event("dev-two-apps", "a");

        client.send(KEY, List.of(e));
        IngestReply other = client.send(OTHER_KEY, List.of(e));

        assertThat(other.accepted()).isEqualTo(1);
        assertThat(client.events(EventQuery.forDevice("dev-two-apps"))).extracting(TelemetryEvent::appId)
                .containsExactlyInAnyOrder("shop", "other");
    }

    @Test
    void invalidEventsAreRejectedByIndexAndTheValidOnesKept() {
        Map<String, Object> good1 = event("dev-mixed", "ok");
        Map<String, Object> noType = event("dev-mixed", "x");
        noType.remove("type");
        Map<String, Object> operatorKey = event("dev-mixed", "x");
        operatorKey.put("props", Map.of("$where", "1"));
        Map<String, Object> good2 = event("dev-mixed", "ok");

        IngestReply reply = client.send(KEY, List.of(good1, noType, operatorKey, good2));

        assertThat(reply.accepted()).isEqualTo(2);
        assertThat(reply.rejected()).extracting(Rejection::index, Rejection::reason, Rejection::eventId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, RejectReason.MISSING_TYPE, noType.get("eventId")),
                        org.assertj.core.groups.Tuple.tuple(2, RejectReason.INVALID_PROPS_KEY,
                                operatorKey.get("eventId")));
        assertThat(client.events(EventQuery.forDevice("dev-mixed"))).extracting(ev -> ev.eventId().toString())
                .containsExactlyInAnyOrder((String) good1.get("eventId"), (String) good2.get("eventId"));
    }

    @Test
    void gzipBodiesAreAccepted() throws Exception {
        byte[] body = json.writeValueAsBytes(Map.of("events", List.of(event("dev-gzip", "a"))));

        HttpResponse<String> response = raw.post(CollectorEndpoint.PATH, Map.of("Content-Type", "application/json",
                "Content-Encoding", "gzip", "X-App-Key", KEY), gzip(body));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void aMissingOrUnknownKeyIs401AndStoresNothing() throws Exception {
        byte[] body = json.writeValueAsBytes(Map.of("events", List.of(event("dev-401", "a"))));

        assertThat(raw.post(CollectorEndpoint.PATH, Map.of("Content-Type", "application/json"), body).statusCode())
                .isEqualTo(401);
        assertThat(raw.post(CollectorEndpoint.PATH, Map.of("Content-Type", "application/json",
                "X-App-Key", "not-a-key-at-all"), body).statusCode()).isEqualTo(401);
        assertThat(client.countEvents(EventQuery.forDevice("dev-401"))).isZero();
    }

    @Test
    void batchLevelProblemsGetTheirDocumentedStatus() throws Exception {
        Map<String, String> ok = Map.of("Content-Type", "application/json", "X-App-Key", KEY);
        assertThat(raw.post(CollectorEndpoint.PATH, ok, utf8("{\"events\": [")).statusCode()).isEqualTo(400);
        assertThat(raw.post(CollectorEndpoint.PATH, ok, utf8("[]")).statusCode()).isEqualTo(400);
        assertThat(raw.post(CollectorEndpoint.PATH, Map.of("Content-Type", "text/plain", "X-App-Key", KEY),
                utf8("{\"events\": []}")).statusCode()).isEqualTo(415);

        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < backend.config().limits().maxEventsPerBatch() + 1; i++) {
            tooMany.add(event("dev-413", "a"));
        }
        assertThat(raw.post(CollectorEndpoint.PATH, ok, json.writeValueAsBytes(Map.of("events", tooMany)))
                .statusCode()).isEqualTo(413);
        assertThat(client.countEvents(EventQuery.forDevice("dev-413"))).isZero();
    }

    @Test
    void preflightAllowsTheAppKeyHeaderFromAnyOrigin() {
        HttpResponse<String> response = raw.request("OPTIONS", CollectorEndpoint.PATH,
                Map.of("Origin", "http://127.0.0.1:9999", "Access-Control-Request-Method", "POST"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .contains(CollectorEndpoint.APP_KEY_HEADER);
    }

    @Test
    void theAdminApiNeedsTheBearerToken() {
        assertThatThrownBy(() -> new BackendClient(backend.baseUri(), "wrong-token-0000000").events(EventQuery.all()))
                .isInstanceOfSatisfying(BackendClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThat(raw.request("GET", "/admin/v1/events", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void theAdminApiFiltersByType() {
        client.send(KEY, List.of(event("dev-filter", "purchase"), event("dev-filter", "screen_view"),
                event("dev-filter", "purchase")));

        List<TelemetryEvent> purchases = client.events(
                new EventQuery(null, "dev-filter", "purchase", null, null, 100));

        assertThat(purchases).hasSize(2).allSatisfy(e -> assertThat(e.type()).isEqualTo("purchase"));
    }

    @Test
    void healthEndpointsAnswer() throws Exception {
        HttpResponse<String> ready = raw.request("GET", "/health/ready", Map.of());
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(raw.request("GET", "/health/live", Map.of()).statusCode()).isEqualTo(200);
        assertThat(raw.request("GET", "/no/such/thing", Map.of()).statusCode()).isEqualTo(404);
        assertThat(raw.request("DELETE", CollectorEndpoint.PATH, Map.of()).statusCode()).isEqualTo(405);
    }
}
