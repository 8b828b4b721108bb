package dev.harrow.backend.http;

import dev.harrow.backend.client.ApiPaths;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: {@code ready} (200) when writes reach the store,
 * {@code degraded} (200: writes are still taken) with the reasons when they do not all do so, {@code unavailable}
 * (503) when no store takes writes. The body also carries the figures behind the verdict.
 */
public final class HealthEndpoint {
    public static final String LIVE = ApiPaths.LIVE;
    public static final String READY = ApiPaths.READY;
    public static final String UNAVAILABLE = "unavailable";

    /** What the readiness check found: a status, why it is not {@code ready}, and the figures. */
    public record Readiness(String status, List<String> reasons, Map<String, Object> detail) {
    }

    private final Supplier<Readiness> readiness;

    public HealthEndpoint(Supplier<Readiness> readiness) {
        this.readiness = readiness;
    }

    public void live(ApiExchange ex) throws IOException {
        ex.respondJson(200, Map.of("status", "up"));
    }

    public void ready(ApiExchange ex) throws IOException {
        Readiness now = readiness.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", now.status());
        if (!now.reasons().isEmpty()) {
            body.put("reasons", now.reasons());
        }
        body.putAll(now.detail());
        ex.respondJson(UNAVAILABLE.equals(now.status()) ? 503 : 200, body);
    }
}
