package dev.harrow.backend.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.IngestLimits;
import dev.harrow.backend.event.TelemetryEvent;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.store.AppendResult;
import dev.harrow.backend.store.EventStore;
import dev.harrow.backend.store.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: the collection API of docs/ARCHITECTURE.md. It answers 200 only after the accepted events
 * are stored; an event it rejects is named with its index and reason and the rest of the batch is kept.
 */
public final class CollectorEndpoint {
    public static final String PATH = "/v1/events";
    public static final String APP_KEY_HEADER = "X-App-Key";
    /** How long a client should wait before sending again when the store is down. */
    static final int STORE_DOWN_RETRY_AFTER_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(CollectorEndpoint.class);

    private final BackendConfig config;
    private final EventStore store;
    private final Clock clock;
    private final ObjectMapper requestJson;
    private final EventValidator validator = new EventValidator();
    private final List<String> allowedOrigins;

    public CollectorEndpoint(BackendConfig config, EventStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.requestJson = Json.requestMapper(config.limits().maxNestingDepth());
        this.allowedOrigins = config.http().corsOrigins();
    }

    /** CORS preflight: apps served from any origin may post telemetry with their key. */
    public void preflight(ApiExchange ex) throws IOException {
        cors(ex);
        ex.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
        ex.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, " + APP_KEY_HEADER);
        ex.setHeader("Access-Control-Max-Age", "600");
        ex.respondEmpty(204);
    }

    public void ingest(ApiExchange ex) throws IOException {
        cors(ex);
        IngestLimits limits = config.limits();

        Optional<AppKey> app = config.appForKey(ex.header(APP_KEY_HEADER).orElse(null));
        if (app.isEmpty()) {
            ex.respondError(401, "unauthorized", "missing or unknown " + APP_KEY_HEADER);
            return;
        }
        String contentType = ex.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.equals("application/json") && !contentType.startsWith("application/json;")) {
            ex.respondError(415, "unsupported_media_type", "Content-Type must be application/json");
            return;
        }
        String encoding = ex.header("Content-Encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        if (!encoding.equals("identity") && !encoding.equals("gzip")) {
            ex.respondError(415, "unsupported_encoding", "Content-Encoding must be gzip or absent");
            return;
        }
        long declared = ex.header("Content-Length").map(CollectorEndpoint::parseLength).orElse(-1L);
        if (declared > limits.maxBatchBytes()) {
            ex.respondError(413, "batch_too_large", "a batch may hold at most " + limits.maxBatchBytes() + " bytes");
            return;
        }

        byte[] body = readAtMost(ex.body(), limits.maxBatchBytes());
        if (body == null) {
            ex.respondError(413, "batch_too_large", "a batch may hold at most " + limits.maxBatchBytes() + " bytes");
            return;
        }
        if (encoding.equals("gzip")) {
            try {
                body = readAtMost(new GZIPInputStream(new ByteArrayInputStream(body)),
                        limits.maxDecompressedBytes());
            } catch (ZipException | EOFException e) {
                ex.respondError(400, "invalid_gzip", "the body is not valid gzip");
                return;
            }
            if (body == null) {
                ex.respondError(413, "batch_too_large",
                        "a batch may hold at most " + limits.maxDecompressedBytes() + " bytes once decompressed");
                return;
            }
        }

        JsonNode root;
        try {
            root = requestJson.readTree(body);
        } catch (StreamConstraintsException e) {
            ex.respondError(400, "too_deeply_nested",
                    "events may nest at most " + limits.maxNestingDepth() + " levels");
            return;
        } catch (JsonProcessingException e) {
            ex.respondError(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (root == null || !root.isObject() || !root.path("events").isArray()) {
            ex.respondError(400, "invalid_batch", "the body must be {\"events\": [...]}");
            return;
        }
        JsonNode events = root.get("events");
        if (events.size() > limits.maxEventsPerBatch()) {
            ex.respondError(413, "too_many_events", "a batch may hold at most " + limits.maxEventsPerBatch() + " events");
            return;
        }

        Instant now = clock.instant();
        List<TelemetryEvent> valid = new ArrayList<>(events.size());
        List<Rejection> rejected = new ArrayList<>();
        // An event can only exceed the per-event bound if the whole body does.
        boolean checkEventSize = body.length > limits.maxEventBytes();
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = events.get(i);
            if (checkEventSize && requestJson.writeValueAsBytes(node).length > limits.maxEventBytes()) {
                rejected.add(new Rejection(i, idOf(node), RejectReason.EVENT_TOO_LARGE,
                        "an event may hold at most " + limits.maxEventBytes() + " bytes"));
                continue;
            }
            EventValidator.Outcome outcome = validator.validate(node, i, app.get().appId(), now);
            if (outcome instanceof EventValidator.Valid v) {
                valid.add(v.event());
            } else {
                rejected.add(((EventValidator.Invalid) outcome).rejection());
            }
        }

        AppendResult stored;
        try {
            stored = store.append(valid);
        } catch (StoreUnavailableException e) {
            log.warn("store unavailable, batch of {} events refused with 503: {}", valid.size(), e.getMessage());
            ex.setHeader("Retry-After", Integer.toString(STORE_DOWN_RETRY_AFTER_SECONDS));
            ex.respondError(503, "store_unavailable", "events cannot be stored now; keep them and retry");
            return;
        }
        ex.respondJson(200, new IngestReply(stored.accepted(), stored.duplicates(), rejected));
    }

    /** Allows the configured origins: "*" for any, else the request's own origin when it is listed. */
    private void cors(ApiExchange ex) {
        String origin = null;
        if (allowedOrigins.contains("*")) {
            origin = "*";
        } else {
            Optional<String> requestOrigin = ex.header("Origin");
            if (requestOrigin.isPresent() && allowedOrigins.contains(requestOrigin.get())) {
                origin = requestOrigin.get();
                ex.setHeader("Vary", "Origin");
            }
        }
        if (origin != null) {
            ex.setHeader("Access-Control-Allow-Origin", origin);
            ex.setHeader("Access-Control-Expose-Headers", "Retry-After");
        }
    }

    private static String idOf(JsonNode node) {
        JsonNode id = node == null ? null : node.get("eventId");
        if (id == null || !id.isTextual()) {
            return null;
        }
        String text = id.textValue();
        return text.length() <= 64 ? text : text.substring(0, 64);
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The whole stream if it holds at most {@code max} bytes, else null (and the rest is not read). */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64 * 1024));
        byte[] buffer = new byte[16 * 1024];
        int total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
