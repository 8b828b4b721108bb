package dev.harrow.backend.ingest;

import static dev.harrow.backend.support.RawHttp.gzip;
import static dev.harrow.backend.support.RawHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.store.EventQuery;
import dev.harrow.backend.support.RawHttp;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken input, case by case: each gets its documented status, nothing invalid is stored, and the valid
 * events sent beside a bad one are kept.
 */
class BadInputTest {
    /** A time within the window an event may claim (a few minutes ago). */
    static final long RECENT = Instant.now().minusSeconds(300).toEpochMilli();
    static final String KEY = "bad-input-key-1";
    static final String OTHER_KEY = "bad-input-key-2";
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json", "X-App-Key", KEY);
    static TelemetryBackend backend;
    static RawHttp http;
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        backend = TelemetryBackend.start(BackendConfig.embedded(
                List.of(new AppKey("shop", KEY), new AppKey("other", OTHER_KEY)), "bad-input-admin-token"));
        http = new RawHttp(backend.baseUri());
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /**
     * One case. Batch-level cases carry a whole body and expect a status and error code with nothing stored;
     * event-level cases carry one bad event, sent between two good ones, and expect a 200 with that event rejected.
     */
    record Case(String name, Map<String, String> headers, byte[] body, int status, String error, RejectReason reason,
                String device) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String good(String device) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"screen_view\",\"ts\":\"" + Instant.now()
                + "\",\"deviceId\":\"" + device + "\",\"platform\":\"android\"}";
    }

    /** A bad event between two good ones; {@code %s} in the template is the case's device id. */
    static Case event(String name, String badTemplate, RejectReason reason) {
        String device = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"events\":[" + good(device) + "," + badTemplate.replace("%s", device) + "," + good(device)
                + "]}";
        return new Case(name, JSON, utf8(body), 200, null, reason, device);
    }

    /** A bad event carrying a fresh id and the case's device, with {@code extra} fields appended. */
    static String withExtra(String extra) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"t\",\"ts\":\"" + Instant.now()
                + "\",\"deviceId\":\"%s\"" + extra + "}";
    }

    static Case batch(String name, Map<String, String> headers, byte[] body, int status, String error) {
        return new Case(name, headers, body, status, error, null, null);
    }

    static Case batchWithGoodEvent(String name, Map<String, String> headers, String wrap, int status, String error) {
        String device = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        return new Case(name, headers, utf8(wrap.replace("%e", good(device))), status, error, null, device);
    }

    static Stream<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        // whole batches the collector cannot or may not read
        cases.add(batchWithGoodEvent("truncated JSON", JSON, "{\"events\":[%e", 400, "invalid_json"));
        cases.add(batchWithGoodEvent("a JSON array instead of a batch", JSON, "[%e]", 400, "invalid_batch"));
        cases.add(batchWithGoodEvent("events is not a list", JSON, "{\"events\":%e}", 400, "invalid_batch"));
        cases.add(batch("an empty body", JSON, new byte[0], 400, "invalid_batch"));
        cases.add(batchWithGoodEvent("text/plain", Map.of("Content-Type", "text/plain", "X-App-Key", KEY),
                "{\"events\":[%e]}", 415, "unsupported_media_type"));
        cases.add(batchWithGoodEvent("brotli encoding", Map.of("Content-Type", "application/json",
                "Content-Encoding", "br", "X-App-Key", KEY), "{\"events\":[%e]}", 415, "unsupported_encoding"));
        cases.add(batchWithGoodEvent("no app key", Map.of("Content-Type", "application/json"), "{\"events\":[%e]}",
                401, "unauthorized"));
        cases.add(batchWithGoodEvent("an unknown app key", Map.of("Content-Type", "application/json",
                "X-App-Key", "no-such-key-123"), "{\"events\":[%e]}", 401, "unauthorized"));
        cases.add(batch("a body over 1 MiB", JSON, utf8("{\"events\":[],\"pad\":\"" + "x".repeat(1024 * 1024)
                + "\"}"), 413, "batch_too_large"));
        StringBuilder many = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append(good("bad-many"));
        }
        cases.add(batch("501 events", JSON, utf8(many.append("]}").toString()), 413, "too_many_events"));
        cases.add(batch("a gzip bomb", gzipHeaders(), gzip(new byte[100 * 1024 * 1024]), 413, "batch_too_large"));
        cases.add(batch("gzip declared, not gzip", gzipHeaders(), utf8("{\"events\":[]}"), 400, "invalid_gzip"));
        cases.add(batch("nesting deeper than any event may", JSON,
                utf8("{\"events\":[" + "[".repeat(80) + "]".repeat(80) + "]}"), 400, "too_deeply_nested"));
        cases.add(batch("invalid UTF-8", JSON, invalidUtf8(), 400, "invalid_json"));
        // single events, rejected alone
        cases.add(event("a MongoDB operator as a props key", withExtra(",\"props\":{\"$where\":\"1\"}"),
                RejectReason.INVALID_PROPS_KEY));
        cases.add(event("a dotted props key", withExtra(",\"props\":{\"a.b\":1}"), RejectReason.INVALID_PROPS_KEY));
        cases.add(event("an operator nested in props", withExtra(",\"props\":{\"q\":{\"$gt\":1}}"),
                RejectReason.INVALID_PROPS_KEY));
        cases.add(event("a NUL in a props key", withExtra(",\"props\":{\"a\\u0000b\":1}"),
                RejectReason.INVALID_PROPS_KEY));
        cases.add(event("props nested 17 levels", withExtra(",\"props\":" + "{\"a\":".repeat(16) + "1"
                + "}".repeat(16)), RejectReason.TOO_DEEPLY_NESTED));
        cases.add(event("no eventId", "{\"type\":\"t\",\"ts\":" + RECENT + ",\"deviceId\":\"%s\"}",
                RejectReason.MISSING_EVENT_ID));
        cases.add(event("an eventId that is not a UUID", "{\"eventId\":\"42\",\"type\":\"t\",\"ts\":" + RECENT + ","
                + "\"deviceId\":\"%s\"}", RejectReason.INVALID_EVENT_ID));
        cases.add(event("no type", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"ts\":" + RECENT + ","
                + "\"deviceId\":\"%s\"}", RejectReason.MISSING_TYPE));
        cases.add(event("a number as type", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":7,"
                + "\"ts\":" + RECENT + ",\"deviceId\":\"%s\"}", RejectReason.INVALID_TYPE));
        cases.add(event("an unreadable timestamp", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"t\","
                + "\"ts\":\"last tuesday\",\"deviceId\":\"%s\"}", RejectReason.INVALID_TS));
        cases.add(event("a timestamp a year ahead", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"t\","
                + "\"ts\":\"" + Instant.now().plusSeconds(365L * 86400) + "\",\"deviceId\":\"%s\"}",
                RejectReason.TS_OUT_OF_RANGE));
        cases.add(event("no deviceId", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"t\","
                + "\"ts\":" + RECENT + ",\"props\":{\"for\":\"%s\"}}", RejectReason.MISSING_DEVICE_ID));
        cases.add(event("an unknown platform", withExtra(",\"platform\":\"symbian\""), RejectReason.INVALID_PLATFORM));
        cases.add(event("props that are a string", withExtra(",\"props\":\"x\""), RejectReason.INVALID_PROPS));
        cases.add(event("a number beyond 64 bits", withExtra(",\"props\":{\"n\":123456789012345678901234567890}"),
                RejectReason.INVALID_PROPS));
        cases.add(event("a userId that is an object", withExtra(",\"userId\":{}"), RejectReason.INVALID_USER_ID));
        cases.add(event("an event over 32 KiB", withExtra(",\"props\":{\"blob\":\"" + "y".repeat(40 * 1024) + "\"}"),
                RejectReason.EVENT_TOO_LARGE));
        cases.add(event("an event that is a string", "\"%s\"", RejectReason.NOT_AN_OBJECT));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void getsItsDocumentedStatusStoresNothingInvalidAndKeepsTheValidEvents(Case c) throws Exception {
        long before = stored(c.device()).size();

        HttpResponse<String> response = http.post("/v1/events", c.headers(), c.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
        if (c.reason() == null) {
            assertThat(json.readTree(response.body()).get("error").asText()).isEqualTo(c.error());
            if (c.device() != null) {
                assertThat(stored(c.device())).hasSize((int) before);
            }
            return;
        }
        JsonNode reply = json.readTree(response.body());
        assertThat(reply.get("accepted").asInt()).isEqualTo(2);
        assertThat(reply.get("rejected")).hasSize(1);
        assertThat(reply.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(reply.get("rejected").get(0).get("reason").asText()).isEqualTo(c.reason().wire());
        List<TelemetryEvent> kept = stored(c.device());
        assertThat(kept).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo("screen_view");
            assertThat(e.appId()).isEqualTo("shop");
        });
    }

    @org.junit.jupiter.api.Test
    void anEventClaimingAnotherAppIsStoredUnderTheAppOfTheKeyItCameWith() throws Exception {
        String device = "bad-claims-other-app";
        String body = "{\"events\":[" + withExtra(",\"appId\":\"other\"").replace("%s", device) + "]}";

        HttpResponse<String> response = http.post("/v1/events", JSON, utf8(body));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(stored(device)).singleElement().satisfies(e -> assertThat(e.appId()).isEqualTo("shop"));
        assertThat(backend.store().count(new EventQuery("other", device, null, null, null, 10))).isZero();
    }

    @org.junit.jupiter.api.Test
    void theSameEventTwiceInOneBatchIsStoredOnce() throws Exception {
        String device = "bad-twice";
        String once = good(device);

        HttpResponse<String> response = http.post("/v1/events", JSON, utf8("{\"events\":[" + once + "," + once
                + "]}"));

        JsonNode reply = json.readTree(response.body());
        assertThat(reply.get("accepted").asInt()).isEqualTo(1);
        assertThat(reply.get("duplicates").asInt()).isEqualTo(1);
        assertThat(stored(device)).hasSize(1);
    }

    static List<TelemetryEvent> stored(String device) throws Exception {
        return device == null ? List.of() : backend.store().find(EventQuery.forDevice(device));
    }

    static Map<String, String> gzipHeaders() {
        return Map.of("Content-Type", "application/json", "Content-Encoding", "gzip", "X-App-Key", KEY);
    }

    static byte[] invalidUtf8() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = ("{\"events\":[{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"t\",\"ts\":" + RECENT + ","
                + "\"deviceId\":\"bad-utf8\",\"props\":{\"s\":\"").getBytes(StandardCharsets.UTF_8);
        out.write(head, 0, head.length);
        out.write(0xC3);
        out.write(0x28);
        byte[] tail = "\"}}]}".getBytes(StandardCharsets.UTF_8);
        out.write(tail, 0, tail.length);
        return out.toByteArray();
    }
}
