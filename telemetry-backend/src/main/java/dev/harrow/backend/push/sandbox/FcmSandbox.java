package dev.harrow.backend.push.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.security.TokenAuthenticator;
import dev.harrow.backend.config.Secrets;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The FCM sandbox: a WireMock stub of the HTTP v1 send API ({@code POST /v1/projects/{project}/messages:send}) on
 * loopback. It answers like FCM: the message's name on success, and for tokens its {@link GatewayScript} refuses,
 * FCM's error body with the {@code FcmError} detail the Admin SDK maps to {@code MessagingErrorCode}
 * ({@code UNREGISTERED}, {@code INVALID_ARGUMENT}, {@code QUOTA_EXCEEDED} with {@code Retry-After}...). A scripted
 * reason may carry its own message after a colon ({@code INVALID_ARGUMENT:Invalid data payload key}).
 */
public final class FcmSandbox implements AutoCloseable {
    static final String TRANSFORMER = "harrow-fcm-sandbox";

    private final WireMockServer server;

    private FcmSandbox(WireMockServer server) {
        this.server = server;
    }

    public static FcmSandbox start(GatewayScript script, SandboxInbox inbox, Clock clock, ObjectMapper json) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                // The stub's admin API would let any page open in a browser on this host (a device of the farm
                // among them) rewrite FCM's answers or turn the stub into a proxy: it takes a token nobody is
                // given (the backend scripts the stub in-process), and CORS and proxying are off.
                .adminAuthenticator(new TokenAuthenticator(Secrets.randomToken(24)))
                .httpServerFactory(new AdminWithoutCors())
                .stubCorsEnabled(false)
                .enableBrowserProxying(false)
                .disableRequestJournal()
                .containerThreads(64)
                .notifier(new Slf4jNotifier(false))
                .extensions(new Answers(script, inbox, clock, json)));
        server.start();
        server.stubFor(post(urlPathMatching("/v1/projects/[^/]+/messages:send")).willReturn(aResponse()
                .withTransformers(TRANSFORMER)));
        return new FcmSandbox(server);
    }

    /** Where clients send: {@code http://127.0.0.1:port}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** FCM's answers, computed per request. */
    private record Answers(GatewayScript script, SandboxInbox inbox, Clock clock, ObjectMapper json)
            implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return TRANSFORMER;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            JsonNode message;
            try {
                message = json.readTree(event.getRequest().getBodyAsString()).path("message");
            } catch (IOException e) {
                return error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid JSON payload received.", null);
            }
            String token = message.path("token").asText("");
            var answer = script.take(token);
            if (answer.isPresent()) {
                String reason = answer.get().reason();
                String code = reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
                String text = reason.contains(":") ? reason.substring(reason.indexOf(':') + 1) : null;
                Integer retryAfter = answer.get().retryAfter() == null ? null
                        : (int) Math.max(1, answer.get().retryAfter().toSeconds());
                return switch (code) {
                    case "UNREGISTERED" -> error(404, "NOT_FOUND", code, text == null
                            ? "Requested entity was not found." : text, retryAfter);
                    case "INVALID_ARGUMENT" -> error(400, "INVALID_ARGUMENT", code, text == null
                            ? "The registration token is not a valid FCM registration token" : text, retryAfter);
                    case "SENDER_ID_MISMATCH" -> error(403, "PERMISSION_DENIED", code, "SenderId mismatch",
                            retryAfter);
                    case "THIRD_PARTY_AUTH_ERROR" -> error(401, "UNAUTHENTICATED", code,
                            "Auth error from APNS or Web Push Service", retryAfter);
                    case "QUOTA_EXCEEDED" -> error(429, "RESOURCE_EXHAUSTED", code,
                            "Quota exceeded for quota metric 'Messages'", retryAfter);
                    case "UNAVAILABLE" -> error(503, "UNAVAILABLE", code, "The service is currently unavailable.",
                            retryAfter);
                    case "INTERNAL" -> error(500, "INTERNAL", code, "Internal error encountered.", retryAfter);
                    default -> error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "unknown scripted answer " + code,
                            retryAfter);
                };
            }
            long seq = inbox.nextSeq();
            JsonNode notification = message.path("notification");
            JsonNode android = message.path("android");
            Map<String, String> data = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = message.path("data").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                data.put(field.getKey(), field.getValue().asText());
            }
            inbox.add(new SandboxPush(seq, "fcm", token, notification.path("title").asText(null),
                    notification.path("body").asText(null), data, null,
                    android.path("collapse_key").asText(null), clock.instant()));
            String project = event.getRequest().getUrl().split("/")[3];
            return ResponseDefinition.okForJson(Map.of("name", "projects/" + project + "/messages/" + seq));
        }

        private ResponseDefinition error(int status, String canonical, String fcmCode, String text,
                                         Integer retryAfter) {
            Map<String, Object> detail = Map.of("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode", fcmCode);
            Map<String, Object> body = Map.of("error", Map.of("code", status, "message", text, "status", canonical,
                    "details", java.util.List.of(detail)));
            try {
                var builder = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody(json.writeValueAsString(body));
                if (retryAfter != null) {
                    builder.withHeader("Retry-After", Integer.toString(retryAfter));
                }
                return builder.build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
