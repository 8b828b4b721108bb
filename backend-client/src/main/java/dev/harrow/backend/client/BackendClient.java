package dev.harrow.backend.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.ingest.IngestReply;
import dev.harrow.backend.store.EventQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * A Java client of the backend's HTTP API, for scenarios and tools: sends telemetry as an app would and reads back
 * what was stored through the admin API.
 */
public final class BackendClient {
    public static final int LOG_BATCH = 200;
    public static final int MAX_LOG_MESSAGE = 4000;
    private final URI baseUri;
    private final String adminToken;
    private final HttpClient http;
    private final ObjectMapper json;

    public BackendClient(URI baseUri, String adminToken) {
        this.baseUri = baseUri;
        this.adminToken = adminToken;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.json = Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public URI baseUri() {
        return baseUri;
    }

    /** Posts a batch as an app with {@code appKey}; a non-200 answer is an {@link ApiError}. */
    public IngestReply send(String appKey, List<Map<String, Object>> events) {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(ApiPaths.EVENTS))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(ApiPaths.APP_KEY_HEADER, appKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(Map.of("events", events))))
                .build();
        return read(call(request), IngestReply.class);
    }

    /** Registers a device's push token as the app would ({@code POST /v1/push/tokens}). */
    public void registerPushToken(String appKey, Map<String, Object> registration) {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(ApiPaths.PUSH_TOKENS))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(ApiPaths.APP_KEY_HEADER, appKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(registration)))
                .build();
        read(call(request), JsonNode.class);
    }

    /** Creates a push message through the admin API; returns its status ({@code id}, {@code counts}, ...). */
    public JsonNode sendPush(Map<String, Object> message) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_MESSAGES).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(message))).build()), JsonNode.class);
    }

    /** A metrics API answer as sent (JSON or CSV); {@code path} is the metrics or retention path. */
    public String metrics(String path, Map<String, String> query) {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return text(call(adminRequest(path + q).GET().build()));
    }

    /** Starts making an app's analytics rollups again from its stored events. */
    public JsonNode rebuildMetrics(String appId) {
        return read(call(adminRequest(ApiPaths.ADMIN_METRICS_REBUILD + "?app=" + URLEncoder.encode(appId,
                StandardCharsets.UTF_8)).POST(HttpRequest.BodyPublishers.noBody()).build()), JsonNode.class);
    }

    /** Where the rebuild of an app's rollups is: {@code state} running, done or failed, and {@code eventsRead}. */
    public JsonNode metricsRebuild(String appId) {
        return read(call(adminRequest(ApiPaths.ADMIN_METRICS_REBUILD + "?app=" + URLEncoder.encode(appId,
                StandardCharsets.UTF_8)).GET().build()), JsonNode.class);
    }

    /** Imports registrations in bulk for an app; the answer counts the stored ones and lists the refused ones. */
    public JsonNode importPushTokens(String appId, List<Map<String, Object>> registrations) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_TOKENS + "?app=" + URLEncoder.encode(appId,
                StandardCharsets.UTF_8)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(registrations))).build()), JsonNode.class);
    }

    public JsonNode pushStatus(String messageId) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_MESSAGES + "/" + messageId).GET().build()), JsonNode.class);
    }

    public JsonNode cancelPush(String messageId) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_MESSAGES + "/" + messageId + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), JsonNode.class);
    }

    /** A device's push registration as stored ({@code active}, {@code deactivatedReason}, ...). */
    public JsonNode pushToken(String deviceId) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_TOKENS + "?deviceId="
                + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)).GET().build()), JsonNode.class);
    }

    /** Forgets a device's push registration, so that a fresh install on it can register again (admin). */
    public void forgetPushToken(String deviceId) {
        call(adminRequest(ApiPaths.ADMIN_PUSH_TOKENS + "?deviceId=" + URLEncoder.encode(deviceId,
                StandardCharsets.UTF_8)).DELETE().build());
    }

    /** What became of a device's pushes that fell due at or after {@code since}: counts, latencies, each copy. */
    public JsonNode pushDeliveries(String deviceId, Instant since) {
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_DELIVERIES + "?deviceId="
                + URLEncoder.encode(deviceId, StandardCharsets.UTF_8) + "&since=" + since).GET().build()),
                JsonNode.class);
    }

    /** What the sandbox gateways accepted for a device (all devices when null) after sequence number after. */
    public JsonNode sandboxPushes(long after, String deviceId) {
        String query = "?after=" + after + (deviceId == null ? ""
                : "&deviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8));
        return read(call(adminRequest(ApiPaths.ADMIN_PUSH_SANDBOX + query).GET().build()), JsonNode.class)
                .get("pushes");
    }

    /** Makes a sandbox gateway refuse a device's token: {@code reason} in the gateway's words. */
    public void scriptSandbox(String gateway, String deviceId, String reason, Integer times) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("gateway", gateway, "deviceId", deviceId,
                "reason", reason));
        if (times != null) {
            body.put("times", times);
        }
        read(call(adminRequest(ApiPaths.ADMIN_PUSH_SANDBOX_SCRIPT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))).build()), JsonNode.class);
    }

    /** The readiness probe as answered: {@code status} ready or unavailable, each store's state, the spill depth. */
    public Readiness readiness() {
        HttpResponse<byte[]> response = call(HttpRequest.newBuilder(baseUri.resolve(ApiPaths.READY))
                .timeout(Duration.ofSeconds(10)).GET().build());
        try {
            return new Readiness(response.statusCode(), json.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable readiness answer", e);
        }
    }

    /** The Prometheus exposition ({@code GET /metrics}) as text. */
    public String scrapeMetrics() {
        return text(call(adminRequest("/metrics").GET().build()));
    }

    /**
     * Cuts a store off, hangs it or brings it back ({@code mode} up, down or hang) through the backend's fault relay;
     * the backend must have fault controls enabled (harnesses only), else an {@link ApiError} 403.
     */
    public void fault(String store, String mode) {
        read(call(adminRequest(ApiPaths.ADMIN_FAULTS).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(Map.of("store", store, "mode", mode)))).build()),
                JsonNode.class);
    }

    /**
     * Stores a device's own log lines (console, logcat, syslog) as {@code log} events with {@code origin: device}.
     * Each line's event id is derived from the device and the line, so sending a line again stores it once; sent in
     * batches of {@value #LOG_BATCH}, lines longer than {@value #MAX_LOG_MESSAGE} characters cut.
     */
    public void sendDeviceLog(String appKey, String deviceId, String platform, List<DeviceLogLine> lines) {
        List<Map<String, Object>> events = new ArrayList<>(lines.size());
        for (DeviceLogLine line : lines) {
            String message = line.message().length() <= MAX_LOG_MESSAGE ? line.message()
                    : line.message().substring(0, MAX_LOG_MESSAGE);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventId", UUID.nameUUIDFromBytes((deviceId + "|" + line.at() + "|" + line.source() + "|"
                    + line.message()).getBytes(StandardCharsets.UTF_8)).toString());
            event.put("type", "log");
            event.put("ts", line.at().toString());
            event.put("deviceId", deviceId);
            event.put("platform", platform);
            event.put("props", Map.of("level", line.level(), "message", message, "source", line.source(),
                    "origin", "device"));
            events.add(event);
        }
        for (int from = 0; from < events.size(); from += LOG_BATCH) {
            send(appKey, events.subList(from, Math.min(events.size(), from + LOG_BATCH)));
        }
    }

    /** A line of a device's own log, as {@link #sendDeviceLog} stores it. */
    public record DeviceLogLine(Instant at, String level, String source, String message) {
    }

    /** The readiness probe's answer: HTTP status and body. */
    public record Readiness(int status, JsonNode body) {
        public boolean ready() {
            return status == 200;
        }

        public long spillDepth() {
            return body.path("spillDepth").asLong();
        }
    }

    private HttpRequest.Builder adminRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(baseUri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken);
    }

    /** Stored events matching {@code query}, oldest first. */
    public List<TelemetryEvent> events(EventQuery query) {
        JsonNode body = read(call(admin(ApiPaths.ADMIN_EVENTS, query, true)), JsonNode.class);
        return json.convertValue(body.get("events"), new TypeReference<List<TelemetryEvent>>() { });
    }

    public long countEvents(EventQuery query) {
        return read(call(admin(ApiPaths.ADMIN_EVENT_COUNT, query, false)), JsonNode.class).get("count").asLong();
    }

    private HttpRequest admin(String path, EventQuery query, boolean withLimit) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        param(q, "app", query.appId());
        param(q, "deviceId", query.deviceId());
        param(q, "type", query.type());
        param(q, "since", query.since() == null ? null : query.since().toString());
        param(q, "until", query.until() == null ? null : query.until().toString());
        if (withLimit) {
            param(q, "limit", Integer.toString(query.limit()));
        }
        return HttpRequest.newBuilder(baseUri.resolve(path + q))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .GET()
                .build();
    }

    private static void param(StringJoiner q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private HttpResponse<byte[]> call(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.uri(), e);
        }
    }

    /** The body as text, for answers that are not JSON (CSV); an error status throws as {@link #read} does. */
    private static String text(HttpResponse<byte[]> response) {
        if (response.statusCode() / 100 != 2) {
            throw new ApiError(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        if (response.statusCode() / 100 != 2) {
            throw new ApiError(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        }
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + response.uri(), e);
        }
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The backend answered with an error status. */
    public static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public ApiError(int status, String body) {
            super("HTTP " + status + ": " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
