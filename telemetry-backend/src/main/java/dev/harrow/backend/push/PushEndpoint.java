package dev.harrow.backend.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harrow.backend.admin.AdminAuth;
import dev.harrow.backend.client.ApiPaths;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.PushSettings;
import dev.harrow.backend.http.ApiExchange;
import dev.harrow.backend.http.AppCors;
import dev.harrow.backend.http.Json;
import dev.harrow.backend.ingest.CollectorEndpoint;
import dev.harrow.backend.push.sandbox.SandboxPush;
import dev.harrow.backend.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The push API. For apps ({@code X-App-Key}): {@code POST /v1/push/tokens} registers or refreshes the device's
 * token. For admins (bearer token): {@code POST /admin/v1/push/messages} creates a message,
 * {@code GET /admin/v1/push/messages/{id}} shows its status, {@code POST /admin/v1/push/messages/{id}/cancel}
 * cancels it, {@code GET /admin/v1/push/tokens?deviceId=} shows a registration,
 * {@code GET /admin/v1/push/deliveries?deviceId=&since=} what became of one device's pushes; in sandbox mode
 * {@code GET /admin/v1/push/sandbox?after=&deviceId=} lists what the sandbox gateways accepted and
 * {@code POST /admin/v1/push/sandbox/script} scripts their refusals. Receipts come through the events API.
 */
public final class PushEndpoint {
    public static final String TOKENS = ApiPaths.PUSH_TOKENS;
    static final int IMPORT_MAX = 5000;
    public static final String MESSAGES = ApiPaths.ADMIN_PUSH_MESSAGES;
    public static final String ADMIN_TOKENS = ApiPaths.ADMIN_PUSH_TOKENS;
    public static final String DELIVERIES = ApiPaths.ADMIN_PUSH_DELIVERIES;
    static final int DELIVERIES_MAX = 1000;
    public static final String SANDBOX = ApiPaths.ADMIN_PUSH_SANDBOX;
    public static final String SANDBOX_SCRIPT = ApiPaths.ADMIN_PUSH_SANDBOX_SCRIPT;

    private final BackendConfig config;
    private final PushService push;
    private final AdminAuth auth;
    private final Clock clock;
    private final RegistrationBudget perDevice;
    private final RegistrationBudget perAddress;
    private final ObjectMapper requests;
    private final AppCors cors;

    /** The header (or body field {@code installationSecret}) by which an installation proves itself. */
    public static final String INSTALLATION_SECRET_HEADER = "X-Installation-Secret";

    public PushEndpoint(BackendConfig config, PushService push, Clock clock) {
        this.config = config;
        this.push = push;
        this.auth = new AdminAuth(config.adminToken());
        this.clock = clock;
        PushSettings.Guard guard = config.push().guard();
        this.perDevice = new RegistrationBudget(guard.registrationsPerDevicePerMinute(), clock);
        this.perAddress = new RegistrationBudget(guard.registrationsPerAddressPerMinute(), clock);
        this.cors = new AppCors(config.http().corsOrigins());
        this.requests = Json.requestMapper(config.limits().maxNestingDepth())
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    record TokenRequest(String deviceId, String token, String platform, String language, String timeZone,
                        String appVersion, Set<String> tags, String installationSecret, String previousToken) {
    }

    record MessageRequest(String app, String idempotencyKey, TargetRequest target, ContentRequest content,
                          ScheduleRequest schedule) {
    }

    record TargetRequest(List<String> deviceIds, Segment segment, Boolean everyone) {
    }

    record ContentRequest(String title, String body, Map<String, String> data, Integer badge, String sound,
                          String collapseKey, Long ttlSeconds, String priority) {
    }

    record ScheduleRequest(Instant at, LocalDateTime localTime) {
    }

    record ScriptRequest(String gateway, String token, String deviceId, String reason, Long retryAfterSeconds,
                         Integer times) {
    }

    /** CORS preflight of a registration from an app in a browser or web view. */
    public void registerPreflight(ApiExchange ex) throws IOException {
        cors.preflight(ex);
    }

    public void register(ApiExchange ex) throws IOException {
        cors.allow(ex);
        Optional<AppKey> app = config.appForKey(ex.header(CollectorEndpoint.APP_KEY_HEADER).orElse(null));
        if (app.isEmpty()) {
            ex.respondError(401, "unauthorized", "missing or unknown " + CollectorEndpoint.APP_KEY_HEADER);
            return;
        }
        String appId = app.get().appId();
        if (!perAddress.take(appId + "|" + ex.remoteAddress())) {
            tooMany(ex, perAddress, "registrations from this address");
            return;
        }
        TokenRequest body = read(ex, TokenRequest.class);
        if (body == null) {
            return;
        }
        DeviceToken token = registration(appId, body, clock.instant());
        List<String> problems = token.problems();
        if (!problems.isEmpty()) {
            ex.respondError(400, "invalid_registration", String.join("; ", problems));
            return;
        }
        if (!perDevice.take(appId + "|" + token.deviceId())) {
            tooMany(ex, perDevice, "registrations of this device");
            return;
        }
        String secret = ex.header(INSTALLATION_SECRET_HEADER).orElse(body.installationSecret());
        CompletableFuture<TokenRegistry.Registered> stored = push.tokens().register(token,
                new TokenRegistry.Proof(secret, body.previousToken(), false));
        try {
            TokenRegistry.Registered registered = stored.get(25, TimeUnit.SECONDS);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("registered", true);
            reply.put("deviceId", token.deviceId());
            if (registered.installationSecret() != null) {
                reply.put("installationSecret", registered.installationSecret());
            }
            ex.respondJson(200, reply);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TokenRegistry.InstallationMismatch mismatch) {
                ex.respondError(403, "installation_mismatch", mismatch.getMessage());
            } else {
                ex.setHeader("Retry-After", "5");
                ex.respondError(503, "store_unavailable", "the registration was not stored; register again");
            }
        } catch (TimeoutException e) {
            ex.setHeader("Retry-After", "5");
            ex.respondError(503, "store_unavailable", "the registration was not stored; register again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.respondError(503, "store_unavailable", "interrupted");
        }
    }

    private static void tooMany(ApiExchange ex, RegistrationBudget budget, String what) throws IOException {
        ex.setHeader("Retry-After", Long.toString(budget.secondsToNextMinute()));
        ex.respondError(429, "too_many_registrations", "too many " + what + " this minute; register again later");
    }

    /** 200 with {@code body} once the registrations are stored; 503 with {@code retry} when the store failed. */
    private static void answerWhenStored(ApiExchange ex, CompletableFuture<Void> stored, Object body, String retry)
            throws IOException {
        try {
            stored.get(25, TimeUnit.SECONDS);
            ex.respondJson(200, body);
        } catch (ExecutionException | TimeoutException e) {
            ex.setHeader("Retry-After", "5");
            ex.respondError(503, "store_unavailable", retry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.respondError(503, "store_unavailable", "interrupted");
        }
    }

    /**
     * {@code POST /admin/v1/push/tokens?app=}: imports registrations in bulk (a JSON array of up to
     * {@value #IMPORT_MAX}, as the app would send them one by one), for moving a fleet's tokens over from another
     * system. Valid ones are stored even when others are not; the answer lists each refused one with its index.
     */
    public void importTokens(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        TokenRequest[] body = read(ex, TokenRequest[].class);
        if (body == null) {
            return;
        }
        if (body.length > IMPORT_MAX) {
            ex.respondError(413, "too_many", "at most " + IMPORT_MAX + " registrations per request, got "
                    + body.length);
            return;
        }
        String appId = app(ex);
        if (config.apps().stream().noneMatch(a -> a.appId().equals(appId))) {
            ex.respondError(400, "invalid_query", "unknown app " + appId);
            return;
        }
        Instant now = clock.instant();
        List<CompletableFuture<TokenRegistry.Registered>> stored = new ArrayList<>(body.length);
        List<Map<String, Object>> refused = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            TokenRequest r = body[i];
            List<String> problems = r == null ? List.of("a JSON object is required") : registration(appId, r, now)
                    .problems();
            if (problems.isEmpty()) {
                stored.add(push.tokens().register(registration(appId, r, now), TokenRegistry.Proof.ADMIN));
            } else {
                refused.add(Map.of("index", i, "deviceId", r == null || r.deviceId() == null ? "" : r.deviceId(),
                        "problems", problems));
            }
        }
        answerWhenStored(ex, CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)),
                Map.of("registered", stored.size(), "refused", refused),
                "the registrations were not all stored; send them again");
    }

    private static DeviceToken registration(String appId, TokenRequest body, Instant now) {
        return DeviceToken.registered(appId, body.deviceId(), body.token(),
                body.platform() == null ? null : body.platform().toLowerCase(Locale.ROOT), body.language(),
                body.timeZone(), body.appVersion(), body.tags(), now);
    }

    /** {@code POST /admin/v1/push/messages}, and under it {@code GET {id}} and {@code POST {id}/cancel}. */
    public void messages(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        String rest = ex.path().length() > MESSAGES.length() ? ex.path().substring(MESSAGES.length() + 1) : "";
        try {
            if (rest.isEmpty() && ex.method().equals("POST")) {
                create(ex);
            } else if (rest.isEmpty() && ex.method().equals("GET")) {
                int limit = Math.max(1, Math.min(100, Integer.parseInt(ex.query().getOrDefault("limit", "20"))));
                ex.respondJson(200, Map.of("messages", push.recent(app(ex), limit)));
            } else if (!rest.isEmpty() && !rest.contains("/") && ex.method().equals("GET")) {
                found(ex, push.status(app(ex), rest), rest);
            } else if (rest.endsWith("/cancel") && ex.method().equals("POST")) {
                String id = rest.substring(0, rest.length() - "/cancel".length());
                found(ex, push.cancel(app(ex), id), id);
            } else {
                ex.respondError(404, "not_found", "no such push endpoint: " + ex.method() + " " + ex.path());
            }
        } catch (StoreUnavailableException | com.mongodb.MongoException e) {
            ex.respondError(503, "store_unavailable", "MongoDB cannot be reached now; retry shortly");
        } catch (IllegalArgumentException e) {
            ex.respondError(400, "invalid_message", e.getMessage());
        }
    }

    private static void found(ApiExchange ex, Optional<Map<String, Object>> status, String id) throws IOException {
        if (status.isPresent()) {
            ex.respondJson(200, status.get());
        } else {
            ex.respondError(404, "not_found", "no push message " + id + " in this app");
        }
    }

    private void create(ApiExchange ex) throws IOException, StoreUnavailableException {
        MessageRequest body = read(ex, MessageRequest.class);
        if (body == null) {
            return;
        }
        String app = body.app() != null ? body.app() : defaultApp();
        if (config.apps().stream().noneMatch(a -> a.appId().equals(app))) {
            ex.respondError(400, "invalid_message", "app: '" + app + "' is not one of "
                    + config.apps().stream().map(AppKey::appId).toList());
            return;
        }
        String key = body.idempotencyKey() != null ? body.idempotencyKey()
                : ex.header("Idempotency-Key").orElse(null);
        PushTarget target = body.target() == null ? null : new PushTarget(body.target().deviceIds(),
                body.target().segment(), Boolean.TRUE.equals(body.target().everyone()));
        ContentRequest c = body.content();
        PushContent content = c == null ? null : new PushContent(c.title(), c.body(), c.data(), c.badge(), c.sound(),
                c.collapseKey(), c.ttlSeconds() == null ? null : Duration.ofSeconds(c.ttlSeconds()), priority(c));
        PushSchedule schedule = body.schedule() == null ? PushSchedule.now()
                : body.schedule().at() != null && body.schedule().localTime() != null ? new PushSchedule(null, null,
                null)
                : body.schedule().at() != null ? PushSchedule.at(body.schedule().at())
                : body.schedule().localTime() != null ? PushSchedule.localTime(body.schedule().localTime())
                : PushSchedule.now();
        Map.Entry<PushMessage, Boolean> created = push.create(app, key, target, content, schedule);
        Map<String, Object> status = new LinkedHashMap<>(push.status(app, created.getKey().id()).orElseThrow());
        status.put("existing", created.getValue());
        ex.respondJson(created.getValue() ? 200 : 201, status);
    }

    private static PushContent.Priority priority(ContentRequest c) {
        if (c.priority() == null) {
            return null;
        }
        try {
            return PushContent.Priority.valueOf(c.priority().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("content.priority: '" + c.priority() + "' is not high or normal");
        }
    }

    public void tokens(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        String deviceId = ex.query().get("deviceId");
        if (deviceId == null) {
            ex.respondError(400, "invalid_query", "deviceId is required");
            return;
        }
        Optional<DeviceToken> token = push.tokens().find(app(ex), deviceId);
        if (token.isEmpty()) {
            ex.respondError(404, "not_found", "no token registered for device " + deviceId);
        } else {
            ex.respondJson(200, token.get());
        }
    }

    /**
     * {@code DELETE /admin/v1/push/tokens?deviceId=&app=}: forgets a device's registration, so that a new installation
     * on it (an app reinstalled, its installation secret gone) can register the device id again. Support's answer to a
     * locked-out device; the farm's for a fresh install.
     */
    public void forgetToken(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        String deviceId = ex.query().get("deviceId");
        if (deviceId == null) {
            ex.respondError(400, "invalid_query", "deviceId is required");
            return;
        }
        try {
            ex.respondJson(200, Map.of("forgotten", push.tokens().forget(app(ex), deviceId)));
        } catch (com.mongodb.MongoException e) {
            ex.respondError(503, "store_unavailable", "MongoDB cannot be reached now; retry shortly");
        }
    }

    /** One device's pushes due since {@code since} (default: the last 7 days): outcomes, receipts, latencies. */
    public void deliveries(ApiExchange ex) throws IOException {
        if (!auth.check(ex)) {
            return;
        }
        String deviceId = ex.query().get("deviceId");
        if (deviceId == null || deviceId.isBlank()) {
            ex.respondError(400, "invalid_query", "deviceId is required");
            return;
        }
        Instant since;
        int limit;
        try {
            String given = ex.query().get("since");
            since = given == null ? clock.instant().minus(Duration.ofDays(7)) : Instant.parse(given);
            limit = Integer.parseInt(ex.query().getOrDefault("limit", "100"));
        } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
            ex.respondError(400, "invalid_query", "since: an ISO-8601 instant; limit: a number (" + e.getMessage()
                    + ")");
            return;
        }
        if (limit < 1 || limit > DELIVERIES_MAX) {
            ex.respondError(400, "invalid_query", "limit must be between 1 and " + DELIVERIES_MAX);
            return;
        }
        try {
            ex.respondJson(200, push.deliveries(app(ex), deviceId, since, limit));
        } catch (StoreUnavailableException | com.mongodb.MongoException e) {
            ex.respondError(503, "store_unavailable", "MongoDB cannot be reached now; retry shortly");
        }
    }

    /** What the sandbox gateways accepted after sequence number {@code after}, for one device or all. */
    public void sandbox(ApiExchange ex) throws IOException {
        if (!auth.check(ex) || !sandboxOn(ex)) {
            return;
        }
        long after;
        try {
            after = Long.parseLong(ex.query().getOrDefault("after", "0"));
        } catch (NumberFormatException e) {
            ex.respondError(400, "invalid_query", "after: a sequence number");
            return;
        }
        String token = null;
        String deviceId = ex.query().get("deviceId");
        if (deviceId != null) {
            Optional<DeviceToken> registered = push.tokens().find(app(ex), deviceId);
            if (registered.isEmpty()) {
                ex.respondJson(200, Map.of("pushes", List.of()));
                return;
            }
            token = registered.get().token();
        }
        List<SandboxPush> pushes = push.sandbox().orElseThrow().inbox().since(after, token);
        ex.respondJson(200, Map.of("pushes", pushes));
    }

    /** Makes a sandbox gateway refuse a token ({@code reason} in the gateway's words), for fault scenarios. */
    public void script(ApiExchange ex) throws IOException {
        if (!auth.check(ex) || !sandboxOn(ex)) {
            return;
        }
        ScriptRequest body = read(ex, ScriptRequest.class);
        if (body == null) {
            return;
        }
        String token = body.token();
        if (token == null && body.deviceId() != null) {
            token = push.tokens().find(app(ex), body.deviceId()).map(DeviceToken::token).orElse(null);
        }
        if (token == null || body.reason() == null || body.gateway() == null) {
            ex.respondError(400, "invalid_script", "gateway, reason and a token (or a registered deviceId) are "
                    + "required");
            return;
        }
        try {
            push.sandbox().orElseThrow().script(body.gateway()).answer(token, body.reason(),
                    body.retryAfterSeconds() == null ? null : Duration.ofSeconds(body.retryAfterSeconds()),
                    body.times() == null ? -1 : body.times());
        } catch (IllegalArgumentException e) {
            ex.respondError(400, "invalid_script", e.getMessage());
            return;
        }
        ex.respondJson(200, Map.of("scripted", true));
    }

    private boolean sandboxOn(ApiExchange ex) throws IOException {
        if (push.sandbox().isEmpty()) {
            ex.respondError(404, "not_found", "the push sandbox is not running (push.sandbox: false)");
            return false;
        }
        return true;
    }

    private String app(ApiExchange ex) {
        return ex.query().getOrDefault("app", defaultApp());
    }

    private String defaultApp() {
        return config.apps().get(0).appId();
    }

    private <T> T read(ApiExchange ex, Class<T> type) throws IOException {
        try (InputStream in = ex.body()) {
            T body = requests.readValue(in, type);
            if (body == null) {
                ex.respondError(400, "invalid_json", "a JSON object is required");
            }
            return body;
        } catch (JsonProcessingException e) {
            ex.respondError(400, "invalid_json", e.getOriginalMessage());
            return null;
        }
    }
}
