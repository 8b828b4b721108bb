package dev.harrow.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.http.ApiServer;
import dev.harrow.backend.http.ApiExchangeAccess;
import dev.harrow.backend.support.RawHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge gives nothing away and cannot be made to lie: HEAD is answered like GET without a body, the metrics
 * need the admin token, error replies name no internal class, request text cannot forge log lines, and the FCM
 * sandbox's admin API cannot be driven from a browser page.
 */
class EdgeSecurityTest {
    static final String KEY = "edge-app-key-0001";
    static final String ADMIN = "edge-admin-token-01";
    TelemetryBackend backend;
    RawHttp http;

    @BeforeEach
    void start() {
        backend = TelemetryBackend.start(BackendConfig.embedded(List.of(new AppKey("shop", KEY)), ADMIN)
                .withFaultsEnabled(true));
        http = new RawHttp(backend.baseUri());
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() {
        HttpResponse<String> head = http.request("HEAD", "/health/live", Map.of());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(http.request("HEAD", "/no/such/thing", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void theMetricsNeedTheAdminToken() {
        assertThat(http.request("GET", "/metrics", Map.of()).statusCode()).isEqualTo(401);
        assertThat(http.request("GET", "/metrics", Map.of("Authorization", "Bearer " + KEY)).statusCode())
                .as("an app key is no admin token").isEqualTo(401);
        HttpResponse<String> scraped = http.request("GET", "/metrics", Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("harrow_store_up");
    }

    @Test
    void anErrorReplyNamesNoInternalClass() {
        http.post("/admin/v1/faults", Map.of("Authorization", "Bearer " + ADMIN, "Content-Type",
                "application/json"), RawHttp.utf8("{\"store\":\"mongodb\",\"mode\":\"down\"}"));
        HttpResponse<String> down = http.request("GET", "/admin/v1/events/count",
                Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).doesNotContain("com.mongodb").doesNotContain("Exception").doesNotContain("java.");

        assertThat(ApiExchangeAccess.withoutClassNames("Timed out {exception={com.mongodb.MongoSocketOpenException: "
                + "x}, caused by {java.net.ConnectException: refused}} `dev.harrow.backend.push.PushEndpoint$Req`"))
                .doesNotContain("com.mongodb").doesNotContain("java.net").doesNotContain("dev.harrow");
    }

    @Test
    void textFromARequestIsEscapedBeforeItIsLogged() {
        assertThat(ApiServer.loggable("/v1/x\r\n2026-12-07 INFO forged line")).doesNotContain("\n")
                .doesNotContain("\r").contains("\\r\\n");
        assertThat(ApiServer.loggable("a\u0000b\u2028c")).isEqualTo("a\\u0000b\\u2028c");
        assertThat(ApiServer.loggable("x".repeat(5000))).hasSizeLessThan(400);
    }

    @Test
    void theFcmSandboxsAdminApiCannotBeDrivenFromABrowserPage() {
        URI stub = URI.create(backend.push().orElseThrow().sandbox().orElseThrow().fcmEndpoint());
        RawHttp page = new RawHttp(stub);
        // What a page on this host can send without a preflight: a text/plain POST.
        HttpResponse<String> added = page.post("/__admin/mappings", Map.of("Content-Type", "text/plain",
                "Origin", "http://evil.example"), RawHttp.utf8("{\"request\":{\"method\":\"POST\"},"
                + "\"response\":{\"status\":200,\"body\":\"owned\"}}"));
        assertThat(added.statusCode()).isEqualTo(401);
        assertThat(added.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(page.request("GET", "/__admin/mappings", Map.of()).statusCode()).isEqualTo(401);
    }
}
